import { ScoutrError } from '../../src/core/errors';

/** The error `fn` throws; fails the test when it throws nothing. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, but nothing was thrown');
}

/**
 * `fn` fails with 500 AUTH_CONFIG whose answer does not name the record (docs/reference/permissions.md#mistakes-in-the-records). Where the mistake is
 * (`logged`: the record or the group) is only in the cause, which goes to the log.
 */
export function expectAuthConfig(fn: () => unknown, recordName: string, logged = recordName): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(ScoutrError);
  expect(err).toMatchObject({ code: 'AUTH_CONFIG', status: 500, expose: false });
  expect((err as Error).message).not.toContain(recordName);
  expect(JSON.stringify((err as ScoutrError).details ?? {})).not.toContain(recordName);
  expect(String((err as Error).cause)).toContain(logged);
}
