import {
  auditDays,
  auditDaysPerRequest,
  checkAuditFields,
  checkAuditValues,
  historyVersion,
  redactAuditRecord,
  shownItemRecord,
} from '../../../src/core/audit-view';
import type { Filter, Pred } from '../../../src/core/filter/types';
import type { Item } from '../../../src/core/values';
import { answered, thrown } from '../../support/errors';

// What of an audit record a caller may see and filter on (docs/reference/audit.md#what-a-caller-with-hidden-fields-sees).

const S = (s: string) => ({ S: s });
const hidden = ['cost', 'meta.secret'];

describe('checkAuditFields', () => {
  it.each([
    'body.cost',
    'item.cost',
    'resource.cost',
    'item.meta.secret',
    'item.meta',
    'body.cost.currency',
    'query_params.cost__gt',
    'body',
    'item',
    'query_params',
    'path_params',
  ])('refuses %s with 403', (field) => {
    expect(answered(thrown(() => checkAuditFields([field], hidden)))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      details: { fields: [field] },
    });
  });

  it.each(['body.team', 'item.meta.open', 'action', 'user.username', 'time', 'cost', 'path', 'query_params.team'])(
    'accepts %s',
    (field) => {
      expect(() => checkAuditFields([field], hidden)).not.toThrow();
    },
  );

  it('accepts whole parts when the caller hides nothing', () => {
    expect(() => checkAuditFields(['body', 'item', 'body.cost'], [])).not.toThrow();
  });
});

describe('redactAuditRecord', () => {
  const record: Item = {
    id: S('t#1'),
    day_shard: S('2025-01-01#0'),
    history_key: S('a'),
    action: S('UPDATE'),
    path: S('/item/a'),
    path_params: { M: { id: S('a') } },
    query_params: { M: { cost__gt: S('1'), 'meta.secret': S('x'), 'meta.open': S('y'), team: S('a') } },
    body: { M: { cost: { N: '1' }, team: S('a'), meta: { M: { secret: S('s'), open: S('o') } } } },
    resource: { M: { id: S('a') } },
    item: { M: { id: S('a'), cost: { N: '1' }, team: S('a'), meta: { M: { secret: S('s'), open: S('o') } } } },
    changed: { L: [S('cost'), S('team'), S('meta')] },
  };

  it('removes hidden fields from body, item and changed, hidden query parameters, and the index keys', () => {
    expect(redactAuditRecord(record, hidden)).toEqual({
      id: 't#1',
      action: 'UPDATE',
      path: '/item/a',
      path_params: { id: 'a' },
      query_params: { 'meta.open': 'y', team: 'a' },
      body: { team: 'a', meta: { open: 'o' } },
      resource: { id: 'a' },
      item: { id: 'a', team: 'a', meta: { open: 'o' } },
      changed: ['team'],
    });
  });

  it('keeps everything but the index keys for a caller who hides nothing', () => {
    const out = redactAuditRecord(record, []);
    expect(out).toMatchObject({ body: { cost: 1 }, changed: ['cost', 'team', 'meta'] });
    expect(out).not.toHaveProperty('day_shard');
    expect(out).not.toHaveProperty('history_key');
  });

  it('removes a hidden search key, its value and their path segments', () => {
    const list: Item = {
      action: S('LIST'),
      path: S('/items/cost/5'),
      path_params: { M: { search_key: S('cost'), search_value: S('5') } },
    };
    expect(redactAuditRecord(list, hidden)).toEqual({ action: 'LIST', path: '/items/*/*', path_params: {} });
  });

  it('removes a hidden search value holding a slash, which spans path segments', () => {
    const list: Item = {
      action: S('LIST'),
      path: S('/items/cost/vip/23'),
      path_params: { M: { search_key: S('cost'), search_value: S('vip/23') } },
    };
    expect(redactAuditRecord(list, hidden)).toEqual({ action: 'LIST', path: '/items/*/*', path_params: {} });
  });

  it('removes the values searched for on a hidden key', () => {
    const search: Item = {
      action: S('SEARCH'),
      path: S('/search/meta.secret'),
      path_params: { M: { search_key: S('meta.secret') } },
      body: { L: [S('s1'), S('s2')] },
    };
    expect(redactAuditRecord(search, hidden)).toEqual({ action: 'SEARCH', path: '/search/*', path_params: {} });
    expect(redactAuditRecord({ ...search, path_params: { M: { search_key: S('team') } } }, hidden)).toMatchObject({
      body: ['s1', 's2'],
    });
  });

  it("never answers a DELETE record's last grants (_acl), even to a caller who hides nothing", () => {
    const deleted: Item = { action: S('DELETE'), item: { NULL: true }, _acl: { M: { own: { SS: ['u1'] } } } };
    expect(redactAuditRecord(deleted, [])).toEqual({ action: 'DELETE', item: null });
    expect(redactAuditRecord(deleted, hidden)).toEqual({ action: 'DELETE', item: null });
  });

  it('removes a static filter route parameter named after a hidden field', () => {
    const route: Item = { action: S('LIST'), path: S('/items/cost/7'), path_params: { M: { cost: S('7') } } };
    expect(redactAuditRecord(route, hidden)).toEqual({ action: 'LIST', path: '/items/cost/*', path_params: {} });
  });
});

describe('shownItemRecord', () => {
  const teamA = (item: Item) => item.team !== undefined && 'S' in item.team && item.team.S === 'a';
  const change = (team: string): Item => ({
    time: S('2025-01-01T00:00:00.000Z'),
    action: S('UPDATE'),
    version: { N: '3' },
    path: S('/item/a'),
    user: { M: { id: S('u') } },
    body: { M: { team: S(team), cost: { N: '1' } } },
    item: { M: { id: S('a'), team: S(team), cost: { N: '1' } } },
  });

  it('answers a change outside the read filters as a stub, and any other as the redacted record', () => {
    expect(shownItemRecord(change('b'), hidden, teamA)).toEqual({
      time: S('2025-01-01T00:00:00.000Z'),
      action: S('UPDATE'),
      version: { N: '3' },
      item: { NULL: true },
      redacted: { BOOL: true },
    });
    expect(shownItemRecord(change('a'), hidden, teamA)).toMatchObject({
      body: { M: { team: S('a') } },
      item: { M: { id: S('a'), team: S('a') } },
    });
    const read: Item = { action: S('GET'), path: S('/item/a') };
    expect(shownItemRecord(read, hidden, teamA)).toEqual(read);
  });
});

describe('historyVersion', () => {
  const record: Item = {
    time: S('2025-01-01T00:00:00.000Z'),
    action: S('UPDATE'),
    version: { N: '3' },
    user: { M: { id: S('u') } },
    item: { M: { id: S('a'), team: S('a'), cost: { N: '1' } } },
  };
  const teamA = (item: Item) => item.team !== undefined && 'S' in item.team && item.team.S === 'a';

  it('answers a visible version without hidden fields', () => {
    expect(historyVersion(record, hidden, teamA)).toEqual({
      time: '2025-01-01T00:00:00.000Z',
      action: 'UPDATE',
      version: 3,
      user: { id: 'u' },
      item: { id: 'a', team: 'a' },
    });
  });

  it('answers a version outside the read filters as a redacted stub, without its user', () => {
    const b = { ...record, item: { M: { id: S('a'), team: S('b') } } };
    expect(historyVersion(b, hidden, teamA)).toEqual({
      time: '2025-01-01T00:00:00.000Z',
      action: 'UPDATE',
      version: 3,
      item: null,
      redacted: true,
    });
  });

  it('answers a DELETE with item null', () => {
    expect(historyVersion({ ...record, action: S('DELETE'), item: { NULL: true } }, hidden, teamA)).toMatchObject({
      action: 'DELETE',
      item: null,
    });
  });
});

describe('auditDays', () => {
  const now = Date.parse('2025-03-10T15:00:00Z');
  const time = (op: 'gte' | 'gt' | 'lte' | 'lt' | 'eq', value: string): Filter => ({
    op,
    field: 'time',
    value: S(value),
  });
  const and = (...children: Filter[]): Pred => ({ op: 'and', children: children as [Filter, ...Filter[]] });

  it('reads from today back a year without a time bound', () => {
    const days = auditDays(true, now);
    expect(days[0]).toBe('2025-03-10');
    expect(days).toHaveLength(366);
    expect(days.at(-1)).toBe('2024-03-10');
  });

  it.each([
    {
      what: 'a lower bound',
      filter: time('gte', '2025-03-08T23:00:00Z'),
      want: ['2025-03-10', '2025-03-09', '2025-03-08'],
    },
    {
      what: 'an upper bound',
      filter: and(time('gt', '2025-03-01T00:00:00Z'), time('lte', '2025-03-02T01:00:00Z')),
      want: ['2025-03-02', '2025-03-01'],
    },
    { what: 'an equality', filter: time('eq', '2025-02-03T04:05:06.007Z'), want: ['2025-02-03'] },
    {
      what: 'a date prefix',
      filter: { op: 'startswith', field: 'time', value: S('2025-03-09') } as Filter,
      want: ['2025-03-09'],
    },
    { what: 'an upper bound after now', filter: time('gte', '2025-03-10T00:00:00Z'), want: ['2025-03-10'] },
    {
      what: 'bounds that exclude everything',
      filter: and(time('gte', '2025-03-05T00:00:00Z'), time('lt', '2025-03-04T00:00:00Z')),
      want: [],
    },
  ])('reads only the days $what allows, newest first', ({ filter, want }) => {
    expect(auditDays(filter, now)).toEqual(want);
  });
});

describe('auditDays beyond the look-back', () => {
  const now = Date.parse('2025-03-10T15:00:00Z');
  const gte = (value: string): Filter => ({ op: 'gte', field: 'time', value: S(value) });

  it('reaches back as far as an explicit lower bound says, within the days one request may read', () => {
    const days = auditDays(gte('2023-01-01T00:00:00Z'), now, 800);
    expect(days).toHaveLength(800);
    expect(days.at(-1)).toBe('2023-01-01');
    const old: Pred = {
      op: 'between',
      field: 'time',
      low: S('2020-02-01T00:00:00Z'),
      high: S('2020-02-03T12:00:00Z'),
    };
    expect(auditDays(old, now, 183)).toEqual(['2020-02-03', '2020-02-02', '2020-02-01']);
    expect(auditDays({ op: 'startswith', field: 'time', value: S('2020-02') }, now, 183)).toHaveLength(29);
  });

  it('answers 400 naming time for a range longer than one request may read', () => {
    expect(answered(thrown(() => auditDays(gte('2023-01-01T00:00:00Z'), now, 183)))).toMatchObject({
      code: 'INVALID_QUERY',
      status: 400,
      details: { param: 'time' },
    });
  });

  it('looks back the look-back, or fewer days when fewer fit, without a lower bound', () => {
    expect(auditDays(true, now, 183)).toHaveLength(183);
    expect(auditDays(true, now, 1000)).toHaveLength(366);
    expect(auditDaysPerRequest(4)).toBe(183);
    expect(auditDaysPerRequest(2)).toBe(366);
    expect(auditDaysPerRequest(100)).toBe(7);
  });
});

describe('checkAuditValues', () => {
  const hidden = ['cost', 'supplier.contact'];
  const f = (field: string, op: 'eq' | 'contains' | 'startswith', text: string) =>
    ({ op, field, value: { S: text } }) as const;
  it.each([
    ['changed__contains=cost', f('changed', 'contains', 'cost')],
    ['changed=supplier', f('changed', 'eq', 'supplier')],
    ['path=/items/cost/7', f('path', 'eq', '/items/cost/7')],
    ['path__contains=cost', f('path', 'contains', 'cost')],
    ['path_params.search_key=cost', f('path_params.search_key', 'eq', 'cost')],
    ['path_params.cost=7', f('path_params.cost', 'eq', '7')],
    ['path_params.search_value=cost', f('path_params.search_value', 'eq', 'cost')],
    ['path_params.search_value__contains=vip', f('path_params.search_value', 'contains', 'vip')],
    ['path_params.search_key__startswith=co', f('path_params.search_key', 'startswith', 'co')],
    ['path_params.search_key__exists=true', { op: 'exists', field: 'path_params.search_key', present: true }],
    ['path_params.search_key__gt=a', { op: 'gt', field: 'path_params.search_key', value: { S: 'a' } }],
    ['path__startswith=/items/cos', f('path', 'startswith', '/items/cos')],
    ['path__startswith=/items/c', f('path', 'startswith', '/items/c')],
    ['path__startswith=/search/', f('path', 'startswith', '/search/c')],
    ['path__contains=t/23', f('path', 'contains', 't/23')],
    ['path__gt=/items/cost/5', { op: 'gt', field: 'path', value: { S: '/items/a' } }],
    ['path__length=14', { op: 'length', cmp: 'eq', field: 'path', value: 14 }],
    ['path=/pets/pricey/5 (a filter route on cost)', f('path', 'eq', '/pets/pricey/5')],
    ['path__startswith=/pets/pricey/5', f('path', 'startswith', '/pets/pricey/5')],
    ['changed__length=3', { op: 'length', cmp: 'eq', field: 'changed', value: 3 }],
    [
      'path_params.search_value=a&path_params.search_key__in=["team","cost"]',
      {
        op: 'and',
        children: [
          f('path_params.search_value', 'eq', 'a'),
          { op: 'in', field: 'path_params.search_key', values: [{ S: 'team' }, { S: 'cost' }] },
        ],
      },
    ],
  ] as Array<[string, Pred]>)('refuses %s with 403 for a caller who cannot see cost', (_, filter) => {
    expect(answered(thrown(() => checkAuditValues(filter, hidden, templates)))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });

  const templates = ['/items', '/items/{search_key}/{search_value}', '/pets/pricey/{cost}', '/search/{search_key}'];
  it.each([
    ['changed__contains=price', f('changed', 'contains', 'price')],
    ['path__startswith=/items', f('path', 'startswith', '/items')],
    ['path__startswith=/items/', f('path', 'startswith', '/items/')],
    ['path__startswith=/items/team/', f('path', 'startswith', '/items/team/')],
    ['path=/items/team/a', f('path', 'eq', '/items/team/a')],
    ['path=/pets/pricey (no parameter reached)', f('path', 'startswith', '/pets/pricey/')],
    ['path_params.search_key=status', f('path_params.search_key', 'eq', 'status')],
    [
      'path_params.search_value__contains=a&path_params.search_key=team',
      {
        op: 'and',
        children: [f('path_params.search_value', 'contains', 'a'), f('path_params.search_key', 'eq', 'team')],
      },
    ],
  ] as Array<[string, Pred]>)('allows %s', (_, filter) => {
    expect(() => checkAuditValues(filter, hidden, templates)).not.toThrow();
  });

  it('allows anything for a caller without hidden fields', () => {
    expect(() => checkAuditValues(f('changed', 'contains', 'cost'), [])).not.toThrow();
  });
});
