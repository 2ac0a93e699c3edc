import { ScoutrError } from '../../src/core/errors';
import { httpAnswer } from '../../src/http/status';

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
  expect(answered(err)).toMatchObject({ code: 'AUTH_CONFIG', status: 500, expose: false });
  expect((err as Error).message).not.toContain(recordName);
  expect(JSON.stringify((err as ScoutrError).details ?? {})).not.toContain(recordName);
  expect(String((err as Error).cause)).toContain(logged);
}

/**
 * An error as the HTTP edge answers it: its own fields, plus the status and headers src/http/status.ts gives its code.
 * Domain errors carry no HTTP status (issue 22, item 5): a test of a status asks the edge's one table.
 */
export function answered(err: unknown): Record<string, unknown> {
  if (!(err instanceof ScoutrError)) return { thrown: err };
  const { status, headers } = httpAnswer(err);
  const { name, code, message, expose, details, cause } = err;
  return { name, code, message, expose, details, cause, status, headers };
}
