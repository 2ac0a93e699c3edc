import type { Envelope } from '@sentry/core';
import type * as SentryNode from '@sentry/node';
import type * as SentryModule from '../../../src/http/sentry';

// The reporter behind SENTRY_DSN, with Sentry's own createTransport storing envelopes in memory: no network.

const DSN = 'https://public@o0.ingest.sentry.io/1';

// Every copy of @sentry/node a test loaded: each is closed when the file ends, so no client of this file is left
// sending or flushing while the worker runs the next file (jest.config.js, globalsCleanup).
const opened: (typeof SentryNode)[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

/**
 * Runs `use` on a fresh copy of src/http/sentry.ts whose `@sentry/node` counts how often it was loaded. Everything
 * happens inside the isolated registry, so no earlier test's copy of Sentry can stand in for this one.
 */
async function isolated<T>(
  use: (mod: typeof SentryModule) => Promise<T>,
  sentry: () => unknown = () => jest.requireActual('@sentry/node'),
): Promise<{ result: T; loaded: number; mod: typeof SentryModule }> {
  let loaded = 0;
  let result!: T;
  let mod!: typeof SentryModule;
  await jest.isolateModulesAsync(async () => {
    jest.doMock('@sentry/node', () => {
      loaded++;
      const loadedSentry = sentry();
      opened.push(loadedSentry as typeof SentryNode);
      return loadedSentry;
    });
    mod = await import('../../../src/http/sentry');
    result = await use(mod);
  });
  return { result, loaded, mod };
}

/** Envelopes as the transport would send them, kept in an array. */
function memoryTransport(sentry: typeof SentryNode) {
  const sent: string[] = [];
  const transport = (options: Parameters<typeof sentry.createTransport>[0]) =>
    sentry.createTransport(options, async (request) => {
      sent.push(typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8'));
      return { statusCode: 200 };
    });
  /** the event items of every envelope sent */
  const events = () =>
    sent.flatMap((body) => {
      const lines = body.split('\n');
      const out: Record<string, unknown>[] = [];
      for (let i = 1; i + 1 < lines.length; i += 2) {
        const header = JSON.parse(lines[i]!) as { type: string };
        if (header.type === 'event') out.push(JSON.parse(lines[i + 1]!) as Record<string, unknown>);
      }
      return out;
    });
  return { transport, sent, events };
}
type Crumb = { category: string; message: string; data?: Record<string, unknown> };
const crumbs = (event: Record<string, unknown>) =>
  ((event.breadcrumbs ?? []) as Crumb[]).map((b) => `${b.category}: ${b.message}`);

describe('without SENTRY_DSN', () => {
  it.each([undefined, ''])('returns the no-op reporter for %p and never loads @sentry/node', async (dsn) => {
    // Act
    const {
      result: reporter,
      loaded,
      mod,
    } = await isolated(async ({ createReporter }) => {
      const r = await createReporter(dsn);
      r.breadcrumb('auth', 'identity resolved');
      r.capture(new Error('boom'), 'r-1');
      await r.flush();
      return r;
    });
    // Assess
    expect(reporter).toBe(mod.noReporter);
    expect(loaded).toBe(0);
  });

  it('loads @sentry/node once a DSN is given (the check above can fail)', async () => {
    const { transport } = memoryTransport(jest.requireActual('@sentry/node'));
    const {
      result: reporter,
      loaded,
      mod,
    } = await isolated(({ createReporter }) => createReporter(DSN, { transport }));
    expect(reporter).not.toBe(mod.noReporter);
    expect(loaded).toBe(1);
    await opened.at(-1)?.close(); // one client at a time
  });
});

describe('a DSN with a bundle packaged without Sentry', () => {
  it('serves with the no-op reporter and says why', async () => {
    // Prepare
    const unavailable: unknown[] = [];
    const missing = () => {
      throw Object.assign(new Error("Cannot find module '@sentry/node'"), { code: 'MODULE_NOT_FOUND' });
    };
    // Act
    const { result: reporter, mod } = await isolated(
      ({ createReporter }) => createReporter(DSN, { onUnavailable: (err) => unavailable.push(err) }),
      missing,
    );
    // Assess
    expect(reporter).toBe(mod.noReporter);
    expect(unavailable).toEqual([expect.objectContaining({ code: 'MODULE_NOT_FOUND' })]);
  });
});

describe('with SENTRY_DSN', () => {
  let reporter: SentryModule.Reporter;
  let memory: ReturnType<typeof memoryTransport>;
  beforeAll(async () => {
    memory = memoryTransport(jest.requireActual('@sentry/node'));
    ({ result: reporter } = await isolated(({ createReporter }) =>
      createReporter(DSN, { transport: memory.transport, environment: 'test-stage' }),
    ));
  });
  beforeEach(() => {
    memory.sent.length = 0;
  });

  it('sends one event per capture, tagged with the request id, with the breadcrumbs of its request', async () => {
    // Act
    await reporter.scoped('req-1', async () => {
      reporter.breadcrumb('auth', 'identity resolved', { source: 'api_key' });
      reporter.breadcrumb('dynamodb', 'QueryCommand');
      reporter.capture(new Error('boom'), 'req-1');
    });
    await reporter.flush();
    // Assess
    const events = memory.events();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tags: { request_id: 'req-1' },
      environment: 'test-stage',
      exception: { values: [{ type: 'Error', value: 'boom' }] },
    });
    expect(crumbs(events[0]!)).toEqual(['auth: identity resolved', 'dynamodb: QueryCommand']);
    expect((events[0]!.breadcrumbs as Crumb[])[0]!.data).toEqual({ source: 'api_key' });
  });

  it("keeps one request's breadcrumbs out of another request's report, also when they interleave", async () => {
    // Prepare
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // Act
    const first = reporter.scoped('req-a', async () => {
      reporter.breadcrumb('query', 'query compiled', { conditions: 1 });
      await gate; // req-b runs in between
      reporter.capture(new Error('a failed'), 'req-a');
    });
    const second = reporter.scoped('req-b', async () => {
      reporter.breadcrumb('write', 'transaction', { action: 'UPDATE' });
      release();
    });
    await Promise.all([first, second]);
    await reporter.flush();
    // Assess
    const events = memory.events();
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toEqual(expect.objectContaining({ request_id: 'req-a' }));
    expect(crumbs(events[0]!)).toEqual(['query: query compiled']);
  });

  it('sends nothing about the process or the request beyond the error, the tag and the breadcrumbs', async () => {
    // Act
    await reporter.scoped('req-2', async () => reporter.capture(new Error('boom'), 'req-2'));
    await reporter.flush();
    // Assess
    const [event] = memory.events();
    expect(event!.request).toBeUndefined();
    expect(event!.user).toBeUndefined();
    expect(event!.extra).toBeUndefined();
    expect(memory.sent.join('\n')).not.toContain(process.env.HOME ?? '\u0000'); // no environment dump
  });

  it('envelopes are what Sentry itself would send (the parser above reads real envelopes)', async () => {
    await reporter.scoped('req-3', async () => reporter.capture(new Error('boom'), 'req-3'));
    await reporter.flush();
    const [header] = memory.sent[0]!.split('\n');
    expect(JSON.parse(header!) as Envelope[0]).toEqual(expect.objectContaining({ event_id: expect.any(String) }));
  });
});
