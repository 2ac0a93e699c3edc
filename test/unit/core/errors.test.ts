import { authConfig, invalidQuery, ScoutrError } from '../../../src/core/errors';
import { answered } from '../../support/errors';

describe('ScoutrError', () => {
  it('exposes 4xx messages and hides 5xx messages unless told otherwise', () => {
    expect(new ScoutrError('FORBIDDEN', 403, 'no').expose).toBe(true);
    expect(new ScoutrError('INTERNAL', 500, 'boom').expose).toBe(false);
    expect(new ScoutrError('THROTTLED', 503, 'slow down', { expose: true }).expose).toBe(true);
  });

  it('is an Error with its name, code, status and cause', () => {
    const cause = new Error('sdk');
    const err = new ScoutrError('CONFLICT', 409, 'changed', { cause, details: { id: 'x' } });
    expect(err).toBeInstanceOf(Error);
    expect(answered(err)).toMatchObject({
      name: 'ScoutrError',
      code: 'CONFLICT',
      status: 409,
      cause,
      details: { id: 'x' },
    });
  });
});

describe('invalidQuery', () => {
  it('names the parameter in the message and the details', () => {
    expect(answered(invalidQuery('a__gt', 'bad'))).toMatchObject({
      code: 'INVALID_QUERY',
      status: 400,
      message: 'a__gt: bad',
      details: { param: 'a__gt' },
    });
  });
});

describe('authConfig', () => {
  it('keeps the detail in the cause, out of the answer', () => {
    const err = authConfig('record key-1: unknown group');
    expect(answered(err)).toMatchObject({ code: 'AUTH_CONFIG', status: 500, expose: false });
    expect(err.message).not.toContain('key-1');
    expect(String(err.cause)).toContain('key-1');
  });
});

describe('a domain error', () => {
  it('carries a code and no HTTP status: the edge maps codes to statuses (http/status.ts)', () => {
    const err = new ScoutrError('FORBIDDEN', 'no');
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: 'no', expose: true });
    expect('status' in err).toBe(false);
    expect('headers' in err).toBe(false);
  });
});
