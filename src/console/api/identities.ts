import { buildRole, type Role } from '../../core/permissions/roles';
import { type ConsoleContext, identityOfRecord, loadTables } from './shared';

/** View 1: the auth records, groups and ROLE records, with what each inherits. */
export async function identities(cx: ConsoleContext) {
  const { deps } = cx;
  const { records, groups, invalid } = await loadTables(deps);
  const settings = deps.settings.roles;
  const usedBy = new Map<string, string[]>();
  const recordRows = [...records.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((r) => {
      const setting = [
        ...(settings.defaultRole === r.id ? ['DEFAULT_ROLE'] : []),
        ...(settings.anonymousRole === r.id ? ['ANONYMOUS_ROLE'] : []),
      ];
      let merged: Pick<Role, 'groups' | 'endpoints' | 'exclude' | 'explain'> | undefined;
      let error: string | undefined;
      try {
        // The record merged with its groups as the server merges it (its filters need a caller: a stand-in).
        merged = buildRole(
          r,
          r.type === 'ROLE' ? 'ROLE' : 'USERNAME',
          groups,
          { kind: 'jwt', groups: [] },
          deps.itemRoles,
        );
      } catch (err) {
        error = (err as Error).message;
      }
      for (const g of merged?.groups ?? r.groups ?? []) usedBy.set(g, [...(usedBy.get(g) ?? []), r.id]);
      return {
        id: r.id,
        type: r.type ?? null,
        name: r.name ?? null,
        description: r.description ?? null,
        username: r.username ?? null,
        email: r.email ?? null,
        groups: r.groups ?? [],
        inherits: merged?.groups ?? [],
        identity: identityOfRecord(r),
        setting,
        endpoints: (merged?.endpoints ?? []).map((e) => ({ method: e.method, endpoint: e.endpoint, from: e.from })),
        hidden: merged?.exclude ?? [],
        explain: merged?.explain ?? false,
        ...(error ? { error } : {}),
      };
    });
  const groupRows = [...groups.values()]
    .sort((a, b) => a.group_id.localeCompare(b.group_id))
    .map((g) => ({
      group_id: g.group_id,
      description: g.description ?? null,
      groups: g.groups ?? [],
      endpoints: (g.permitted_endpoints ?? []).map((e) => `${e.method} ${e.endpoint}`),
      hidden: g.exclude_fields ?? [],
      usedBy: (usedBy.get(g.group_id) ?? []).sort(),
    }));
  return {
    records: recordRows,
    groups: groupRows,
    settings: { defaultRole: settings.defaultRole ?? null, anonymousRole: settings.anonymousRole ?? null },
    invalid,
  };
}
