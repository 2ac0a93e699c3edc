import type { Caller } from '../../../../src/core/caller';
import { ScoutrError } from '../../../../src/core/errors';
import { buildRole } from '../../../../src/core/permissions/roles';
import { parseQuery } from '../../../../src/core/query/parse';
import { answered } from '../../../support/errors';

const caller: Caller = { kind: 'api_key', id: 'k', groups: [] };

describe('expression limits', () => {
  it('makes role filters beyond DynamoDB expression limits an AUTH_CONFIG error that does not name the record', () => {
    // Prepare: 301 AND-ed entries need 300 ANDs plus 301 comparisons
    const entries = Array.from({ length: 301 }, (_, i) => ({ field: `f${i}`, value: 'x' }));
    // Act
    const build = () =>
      buildRole({ id: 'secret-record-name', type: 'API_KEY', read_filters: entries }, 'API_KEY', new Map(), caller);
    // Assess
    expect(build).toThrow(ScoutrError);
    try {
      build();
    } catch (e) {
      expect((e as ScoutrError).code).toBe('AUTH_CONFIG');
      expect(answered(e).status).toBe(500);
      expect((e as ScoutrError).message).not.toContain('secret-record-name');
    }
  });

  it('accepts role filters within the limits', () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ field: `f${i}`, value: 'x' }));
    expect(buildRole({ id: 'r', type: 'API_KEY', read_filters: entries }, 'API_KEY', new Map(), caller).id).toBe('r');
  });

  it('rejects a query path nested deeper than DynamoDB allows (32 levels) with 400 naming the parameter', () => {
    const deep = Array.from({ length: 33 }, (_, i) => `a${i}`).join('.');
    const parse = () => parseQuery({ params: [[deep, '1']], keyTypes: new Map() });
    expect(parse).toThrow(expect.objectContaining({ code: 'INVALID_QUERY', details: { param: deep } }));
    const ok = Array.from({ length: 32 }, (_, i) => `a${i}`).join('.');
    expect(parseQuery({ params: [[ok, '1']], keyTypes: new Map() }).conditions).toHaveLength(1);
  });
});
