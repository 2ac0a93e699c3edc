import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startExample } from '../../support/examples';
import { as, type Harness } from '../../support/harness';

// An `_acl` written by another program (docs/reference/item-roles.md#who-holds-what: Scoutr itself writes string sets only): a role holding a plain
// string or a list holds nobody, so user `u1` does not see a recipe whose `_acl.view` is the string 'u10 u1x'.

let h: Harness;
beforeAll(async () => {
  h = await startExample('recipes');
  const put = (id: string, acl: Record<string, unknown>) =>
    h.db.send(
      new PutItemCommand({
        TableName: h.tables.data,
        Item: { id: { S: id }, title: { S: id }, _version: { N: '1' }, _acl: { M: acl as never } },
      }),
    );
  await put('by-string', { view: { S: 'u10 u1x' }, edit: { S: 'u1' } });
  await put('by-list', { view: { L: [{ S: 'u1' }] } });
  await put('by-set', { view: { SS: ['u1'] } });
});
afterAll(() => h.close());

it('shows a recipe only where the role holds a string set with the caller in it', async () => {
  for (const id of ['by-string', 'by-list']) {
    expect((await h.request('GET', `/recipe/${id}`, { headers: as.user('u1') })).status).toBe(404);
    expect(
      (await h.request('PATCH', `/recipe/${id}`, { headers: as.user('u1'), body: { title: 'mine' } })).status,
    ).toBe(404);
  }
  expect((await h.request('GET', '/recipe/by-set', { headers: as.user('u1') })).status).toBe(200);
});

it('lists none of them: the list is served from the grants table, which holds no row for them', async () => {
  // The filter's DynamoDB expression on malformed `_acl`s (attribute_type SS) is checked against DynamoDB Local by
  // test/integration/core/differential.test.ts.
  const listed = await h.request('GET', '/recipes', { headers: as.user('u1') });
  expect(listed.status).toBe(200);
  expect(listed.body).toEqual([]);
});
