import app from '../../../example/petstore/scoutr.config';
import { items } from '../../../example/petstore/seed';
import { examplePolicyRecords } from '../../../scripts/examples';
import { dataTableOf } from '../../../src/core/app';

const { authRecords, groups } = examplePolicyRecords('petstore');

import { loadPolicy } from '../../../src';
import { policyDocument } from '../../../src/core/policy/records';
import { as, type Harness, startHarness } from '../../support/harness';
import { cli, cliOn, policyFile } from './support';

// The same requests through HTTP and through loadPolicy's can(): the decisions must agree, since both run the
// server's own code (docs/reference/cli.md#scoutr-check).
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ app, seed: { authRecords, groups, items }, dataTable: dataTableOf(app) });
});
afterAll(() => h.close());

const doc = policyDocument({ records: authRecords as never, groups: groups as never });
const policy = loadPolicy(doc);

const identities = [
  'key:public-key',
  'key:inventory-key',
  'key:nobody',
  'user:alice',
  'user:owen',
  'user:vera:vets',
  'user:audrey',
];
const headersOf = (identity: string): Record<string, string> => {
  const [kind, id, groupList] = identity.split(':');
  return kind === 'key' ? as.key(id!) : as.user(id!, groupList ? groupList.split(',') : undefined);
};
const byId = (list: unknown[]) => [...(list as { id: string }[])].sort((a, b) => a.id.localeCompare(b.id));

describe('can() and filter() agree with the server', () => {
  it.each(identities)('on endpoints, without an item: %s', async (identity) => {
    for (const [method, path] of [
      ['GET', '/items'],
      ['GET', '/types'],
      ['GET', '/audit'],
      ['POST', '/search/type'],
      ['DELETE', '/item/no-such-pet'],
    ] as const) {
      const res = await h.request(method, path, {
        headers: headersOf(identity),
        ...(method === 'POST' ? { body: ['dog'] } : {}),
      });
      const allowed = ![401, 403].includes(res.status);
      expect({ identity, method, path, allowed: policy.can(identity, method, path).allowed }).toEqual({
        identity,
        method,
        path,
        allowed,
      });
    }
  });

  it.each(identities)('on each item, for GET and a no-op PATCH: %s', async (identity) => {
    for (const item of items) {
      const path = `/item/${item.id}`;
      const get = await h.request('GET', path, { headers: headersOf(identity) });
      const patch = await h.request('PATCH', path, { headers: headersOf(identity), body: { name: item.name } });
      expect({ identity, path, get: policy.can(identity, 'GET', path, item).allowed }).toEqual({
        identity,
        path,
        get: get.status === 200,
      });
      expect({ identity, path, patch: policy.can(identity, 'PATCH', path, item).allowed }).toEqual({
        identity,
        path,
        patch: patch.status === 200,
      });
    }
  });

  it.each(identities)('on which rows and fields a list shows: %s', async (identity) => {
    const res = await h.request('GET', '/items', { headers: headersOf(identity) });
    const want = res.status === 200 ? byId(res.body as unknown[]) : [];
    expect(byId(policy.filter(identity, 'GET', '/items', items) as unknown[])).toEqual(want);
  });
});

describe('scoutr check with the server settings (DEFAULT_ROLE, ANONYMOUS_ROLE)', () => {
  const withRoles = {
    version: 1,
    records: {
      everyone: {
        type: 'ROLE',
        permitted_endpoints: ['GET /items'],
        read_filters: [{ field: 'status', value: 'available' }],
      },
      staff: { type: 'ROLE', permitted_endpoints: ['POST /item'] },
    },
  };
  const env = () => ({
    AUTH_TABLE: h.tables.auth,
    GROUP_TABLE: h.tables.groups,
    DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
  });
  const check = async (extra: Record<string, string>, args: string[]) => {
    const file = policyFile(JSON.stringify(withRoles), 'json');
    const res = await cli(h.db, { ...env(), ...extra })(['check', ...args, '--policy', file, '--json']);
    return JSON.parse(res.out) as { allowed: boolean };
  };

  it('gives an anonymous caller the ANONYMOUS_ROLE, and nothing without it', async () => {
    expect(await check({ ANONYMOUS_ROLE: 'everyone' }, ['--as', 'anonymous', 'GET', '/items'])).toMatchObject({
      allowed: true,
    });
    expect(await check({}, ['--as', 'anonymous', 'GET', '/items'])).toMatchObject({ allowed: false });
  });

  it('adds the DEFAULT_ROLE to a signed-in caller without a record', async () => {
    expect(await check({ DEFAULT_ROLE: 'staff' }, ['--as', 'user:sam', 'POST', '/item'])).toMatchObject({
      allowed: true,
    });
    expect(await check({}, ['--as', 'user:sam', 'POST', '/item'])).toMatchObject({ allowed: false });
  });
});

describe('scoutr check', () => {
  const scoutr = () => cliOn(h);

  it('answers from the tables and from the file alike', async () => {
    const file = policyFile(JSON.stringify(doc), 'json');
    // GET /items lists: it is allowed, and the row it would not show is said so; GET /item/p-3 is a 404.
    const args = ['check', '--as', 'key:public-key', 'GET', '/items', '--item', 'p-3'];
    const fromTables = await scoutr()(args);
    const fromFile = await scoutr()([...args, '--policy', file]);
    expect(fromTables).toEqual(fromFile);
    expect(fromTables).toEqual({
      code: 0,
      out:
        "allowed: GET /items: role 'public-key' permits GET /items(/[^/]+/[^/]+)? (from group catalog-read)\n" +
        'roles: public-key\n' +
        'row filter: {"field":"status","op":"eq","value":"available"}\n' +
        'hidden fields: cost, supplier.contact\n' +
        'item p-3: not visible\n',
      err: '',
    });
    const one = ['check', '--as', 'key:public-key', 'GET', '/item/p-3', '--item', 'p-3'];
    expect(await scoutr()(one)).toEqual(await scoutr()([...one, '--policy', file]));
    expect((await scoutr()(one)).out).toMatch(
      /^denied: GET \/item\/p-3: the row is outside the read filters \(404\)\n/,
    );
  });

  it('prints the rule that decided, and JSON with --json', async () => {
    const got = await scoutr()(['check', '--as', 'user:vera:vets', 'PATCH', '/item/p-1', '--item', 'p-1', '--json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.out)).toEqual({
      allowed: true,
      reason: "role 'vets' permits PATCH /item/[^/]+",
      identity: 'vera',
      roles: ['vets'],
      rule: { role: 'vets', method: 'PATCH', endpoint: '/item/[^/]+', from: 'record vets' },
      route: { method: 'PATCH', path: '/item/{id}', verb: 'update' },
      row_filter: true,
      hidden_fields: ['cost'],
      item: { id: 'p-1', visible: true, changeable: true },
    });
  });

  it('denies an identity no record applies to, and refuses a malformed one', async () => {
    expect((await scoutr()(['check', '--as', 'key:nobody', 'GET', '/items'])).out).toBe(
      'denied: GET /items: no role applies to this identity (401)\n',
    );
    expect(await scoutr()(['check', '--as', 'bob', 'GET', '/items'])).toEqual({
      code: 1,
      out: '',
      err: "scoutr: identity 'bob': expected key:ID, user:ID[:group,group...] or anonymous\n",
    });
  });
});
