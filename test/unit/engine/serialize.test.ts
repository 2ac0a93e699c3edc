import { createSerializer } from '../../../src/engine/serialize';
import { backoffMs, MAX_ATTEMPTS } from '../../../src/engine/write/retry';

const tick = () => new Promise((r) => setImmediate(r));

describe('createSerializer', () => {
  it('runs tasks of one key one at a time, in arrival order, whatever their durations', async () => {
    const serialize = createSerializer();
    const log: string[] = [];
    const task = (name: string, ms: number) => () =>
      new Promise<string>((resolve) => {
        log.push(`start ${name}`);
        setTimeout(() => {
          log.push(`end ${name}`);
          resolve(name);
        }, ms);
      });
    const results = await Promise.all([
      serialize('k', task('a', 30)),
      serialize('k', task('b', 1)),
      serialize('k', task('c', 10)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs tasks of different keys side by side', async () => {
    const serialize = createSerializer();
    let running = 0;
    let most = 0;
    const task = () => async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
    };
    await Promise.all([serialize('a', task()), serialize('b', task()), serialize('c', task())]);
    expect(most).toBe(3);
  });

  it('passes a failure to its caller only, and the next task still runs', async () => {
    const serialize = createSerializer();
    const failed = serialize('k', () => Promise.reject(new Error('boom')));
    const next = serialize('k', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('forgets a key once its last task has settled', async () => {
    const serialize = createSerializer();
    const done = serialize('k', async () => 1);
    expect(serialize.inFlight()).toBe(1);
    await done;
    await tick();
    expect(serialize.inFlight()).toBe(0);
  });

  it('keeps queues of two serializers (two processes) apart', async () => {
    const [one, two] = [createSerializer(), createSerializer()];
    let release!: () => void;
    const blocker = one('k', () => new Promise<void>((r) => (release = r)));
    await expect(two('k', async () => 'not blocked')).resolves.toBe('not blocked');
    release();
    await blocker;
  });
});

describe('backoffMs', () => {
  it('is full jitter: between 0 and 10 ms × 2^attempt, capped at 400 ms', () => {
    expect(backoffMs(0, 0)).toBe(0);
    expect(backoffMs(0, 1)).toBe(10);
    expect(backoffMs(3, 0.5)).toBe(40);
    expect(backoffMs(10, 1)).toBe(400);
  });

  it('waits at most about 1.2 s over all attempts', () => {
    const total = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => backoffMs(i, 1)).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(1300);
  });
});
