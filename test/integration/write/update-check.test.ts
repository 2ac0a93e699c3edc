import type { AppConfig } from '../../../src/core/app';
import { as, harnessForFile } from '../../support/harness';
import { snapshot, storedItem } from './support';

// update_check_filters (docs/reference/permissions.md#checking-the-new-row-update_check_filters, docs/reference/permissions.md#writes; PostgreSQL's WITH CHECK) through the local server: the stored row is
// decided on update_filters, the row after the update on update_check_filters, or on update_filters for a role
// without them. "Members may set `borrower` to themselves on a book nobody has borrowed."

jest.setTimeout(30_000);

const app: AppConfig = {
  routes: { items: 'books', item: 'book' },
  customActions: {
    BORROW: {
      method: 'POST',
      path: '/book/{id}/borrow',
      run: async (ops, req) => ops.update(req.pathParams.id, { borrower: req.caller.id ?? null }),
    },
  },
};

// biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
const ME = '${user.id}';
const notBorrowed = [{ field: 'borrower', operator: 'exists', value: false }];
const write = [
  { method: 'GET', endpoint: '/book/[^/]+' },
  { method: 'PATCH', endpoint: '/book/[^/]+' },
  { method: 'POST', endpoint: '/book/[^/]+/borrow' },
];

const h = harnessForFile({
  app,
  seed: {
    items: ['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => ({ id, title: `book ${id}` })),
    authRecords: [
      // the rule of the issue: update_filters on the stored row, update_check_filters on the new one
      {
        id: 'members',
        type: 'OIDC_GROUP',
        permitted_endpoints: write,
        update_fields_permitted: ['borrower'],
        update_filters: notBorrowed,
        update_check_filters: [{ field: 'borrower', value: ME }],
      },
      // the same without update_check_filters: the new row is checked against update_filters, as before
      {
        id: 'old-members',
        type: 'OIDC_GROUP',
        permitted_endpoints: write,
        update_fields_permitted: ['borrower', 'title'],
        update_filters: notBorrowed,
      },
    ],
  },
});

const member = (id: string) => as.user(id, ['members']);
const patch = (id: string, who: Record<string, string>, body: unknown) =>
  h.request('PATCH', `/book/${id}`, { headers: who, body });

async function refused(status: number, act: () => Promise<{ status: number; body: unknown }>) {
  const before = await snapshot(h);
  const res = await act();
  expect({ status: res.status, code: (res.body as { code?: string }).code }).toEqual({
    status,
    code: status === 403 ? 'FORBIDDEN' : 'NOT_FOUND',
  });
  expect(await snapshot(h)).toEqual(before);
}

describe('a role with update_check_filters', () => {
  it('lets a member set borrower to themselves on a book nobody has borrowed', async () => {
    const res = await patch('b1', member('mo'), { borrower: 'mo' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'b1', title: 'book b1', borrower: 'mo' });
    expect(await storedItem(h, 'b1')).toMatchObject({ borrower: 'mo', _version: 1 });
  });

  it('refuses setting borrower to someone else (the new row fails the check): 403, nothing written', async () => {
    await refused(403, () => patch('b2', member('mo'), { borrower: 'eve' }));
  });

  it('refuses a book already borrowed (the stored row fails update_filters), even by its borrower', async () => {
    await refused(403, () => patch('b1', member('ann'), { borrower: 'ann' }));
    await refused(403, () => patch('b1', member('mo'), { borrower: 'mo' }));
  });

  it('applies to a custom action that runs as an update: POST /book/{id}/borrow', async () => {
    const res = await h.request('POST', '/book/b3/borrow', { headers: member('mo') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'b3', title: 'book b3', borrower: 'mo' });
    await refused(403, () => h.request('POST', '/book/b3/borrow', { headers: member('ann') }));
  });
});

describe('a role without update_check_filters', () => {
  it('still checks the new row against its update_filters, as before: setting borrower is refused', async () => {
    await refused(403, () => patch('b4', as.user('mo', ['old-members']), { borrower: 'mo' }));
    await refused(403, () => h.request('POST', '/book/b4/borrow', { headers: as.user('mo', ['old-members']) }));
  });

  it('allows a change that keeps the new row inside update_filters', async () => {
    const res = await patch('b5', as.user('mo', ['old-members']), { title: 'renamed' });
    expect(res.status).toBe(200);
    expect(await storedItem(h, 'b5')).toMatchObject({ title: 'renamed', _version: 1 });
  });
});
