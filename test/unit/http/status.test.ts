import { ERROR_CODES, ScoutrError, throttled } from '../../../src/core/errors';
import { httpAnswer, statusOf } from '../../../src/http/status';

// docs/reference/errors.md#codes: domain errors carry a code; the edge's one table turns it into a status (issue 22, item 5).

describe('the status of each code', () => {
  it.each([
    ...(['INVALID_JSON', 'INVALID_BODY', 'INVALID_QUERY', 'QUERY_TOO_COMPLEX', 'INVALID_CURSOR'] as const).map(
      (code) => ({ code, status: 400 }),
    ),
    { code: 'VALIDATION_FAILED', status: 400 },
    { code: 'CONDITION_FAILED', status: 400 },
    { code: 'UNAUTHENTICATED', status: 401 },
    { code: 'FORBIDDEN', status: 403 },
    { code: 'NOT_FOUND', status: 404 },
    { code: 'AUDIT_DISABLED', status: 404 },
    { code: 'CONFLICT', status: 409 },
    { code: 'LAST_OWNER', status: 409 },
    { code: 'PRECONDITION_FAILED', status: 412 },
    { code: 'PAYLOAD_TOO_LARGE', status: 413 },
    { code: 'URI_TOO_LONG', status: 414 },
    { code: 'THROTTLED', status: 429 },
    { code: 'AUTH_CONFIG', status: 500 },
    { code: 'INTERNAL', status: 500 },
  ] as const)('answers $code with $status', ({ code, status }) => {
    expect(statusOf(code)).toBe(status);
    expect(httpAnswer(new ScoutrError(code, 'x')).status).toBe(status);
  });

  it('has a status for every code', () => {
    expect(ERROR_CODES.filter((code) => !(statusOf(code) >= 400 && statusOf(code) < 600))).toEqual([]);
  });
});

describe('THROTTLED', () => {
  it('is 429 with Retry-After when DynamoDB throttles, 503 with a longer one when it is unavailable', () => {
    expect(httpAnswer(throttled())).toEqual({ status: 429, headers: { 'Retry-After': '1' } });
    expect(httpAnswer(throttled({ unavailable: true }))).toEqual({ status: 503, headers: { 'Retry-After': '2' } });
  });

  it('shows its message either way, unlike an INTERNAL error', () => {
    expect(throttled().expose).toBe(true);
    expect(throttled({ unavailable: true }).expose).toBe(true);
  });
});

describe('the status a ScoutrError of Scoutr 2.0 was given', () => {
  it('is ignored: the code decides (an app written for 2.0 still compiles and answers)', () => {
    const legacy = new ScoutrError('INVALID_BODY', 400, 'no', { details: { field: 'a' } });
    expect(legacy).toMatchObject({ code: 'INVALID_BODY', message: 'no', details: { field: 'a' }, expose: true });
    expect(httpAnswer(legacy)).toEqual(httpAnswer(new ScoutrError('INVALID_BODY', 'no')));
    expect(httpAnswer(new ScoutrError('NOT_FOUND', 400, 'gone')).status).toBe(404);
  });
});
