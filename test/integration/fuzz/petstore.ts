// The pet store's policy (example/petstore/policy.yml) as a model the fuzz suites check answers against: which records an
// identity's headers select (docs/reference/identity.md#the-local-server), and what each record shows of the seeded pets.
import { items } from '../../../example/petstore/seed';
import type { Hidden } from './tally';

export type Pet = (typeof items)[number] & { owner?: string; notes?: string; tags?: string[] };
export const PETS = items as Pet[];
export const PET_IDS = PETS.map((p) => p.id);

interface View {
  rows: (pet: Pet, username: string | undefined) => boolean;
  hidden: readonly string[];
}
const all = () => true;
/** Each record's read view: its read filters and exclusions, its groups' included. Every one permits GET /items. */
const VIEWS: Record<string, View> = {
  'admin-key': { rows: all, hidden: [] },
  'inventory-key': { rows: all, hidden: [] },
  'public-key': { rows: (p) => p.status === 'available', hidden: ['cost', 'supplier.contact'] },
  alice: { rows: all, hidden: ['cost', 'supplier.contact'] },
  audrey: { rows: all, hidden: [] },
  owen: { rows: (p, username) => p.owner !== undefined && p.owner === username, hidden: ['cost', 'supplier'] },
  vets: { rows: all, hidden: ['cost'] },
};
export const API_KEYS = ['admin-key', 'inventory-key', 'public-key'];
export const USERS = ['alice', 'audrey', 'owen'];
export const GROUPS = ['vets'];

/** The caller the model expects: its records (roles) and username, or a 401. */
export type Expected = { status: 401 } | { status: 200; roles: string[]; username: string | undefined };

/** docs/reference/identity.md#the-local-server: trusted OIDC headers (one each), else exactly one x-api-key, else anonymous. */
export function expectedCaller(
  headers: ReadonlyMap<string, readonly string[]>,
  groupsOf: (value: string) => string[],
): Expected {
  const one = (name: string) => {
    const values = headers.get(name) ?? [];
    if (values.length > 1) throw new Error('401');
    return values[0] === '' ? undefined : values[0];
  };
  try {
    const user = one('oidc-claim-sub');
    if (user !== undefined) {
      one('oidc-claim-name');
      one('oidc-claim-mail');
      const groups = groupsOf(one('oidc-claim-groups') ?? '');
      const roles = [
        ...new Set([...(USERS.includes(user) ? [user] : []), ...groups.filter((g) => GROUPS.includes(g))]),
      ];
      return roles.length > 0 ? { status: 200, roles, username: user } : { status: 401 };
    }
  } catch {
    return { status: 401 };
  }
  const keys = headers.get('x-api-key') ?? [];
  const key = keys.length === 1 ? keys[0] : undefined;
  return key && API_KEYS.includes(key) ? { status: 200, roles: [key], username: undefined } : { status: 401 };
}

/** The fields a set of roles never sees: the union of their exclusions (docs/reference/permissions.md#hidden-fields). */
export const hiddenOf = (roles: readonly string[]): string[] => [...new Set(roles.flatMap((r) => VIEWS[r]!.hidden))];

/** Values of hidden fields, as text: the supplier's contact (costs are numbers that also occur as prices). */
export function hiddenFor(roles: readonly string[]): Hidden {
  const paths = hiddenOf(roles);
  const contact = paths.some((p) => p === 'supplier' || p === 'supplier.contact');
  return { paths, values: contact ? ['farm@example.com'] : [] };
}

/** A pet as these roles see it: without hidden fields (a hidden nested path removes the leaf only). */
export function project(pet: Pet, roles: readonly string[]): Record<string, unknown> {
  const out = structuredClone(pet) as Record<string, unknown>;
  for (const path of hiddenOf(roles)) {
    const segs = path.split('.');
    let at: Record<string, unknown> | undefined = out;
    for (const s of segs.slice(0, -1)) at = at?.[s] as Record<string, unknown> | undefined;
    if (at) delete at[segs.at(-1)!];
  }
  return out;
}

/** The pets these roles may read: any role's read filter admits them (OR), each shown without hidden fields. */
export function visiblePets(roles: readonly string[], username: string | undefined): Record<string, unknown>[] {
  return PETS.filter((p) => roles.some((r) => VIEWS[r]!.rows(p, username))).map((p) => project(p, roles));
}
