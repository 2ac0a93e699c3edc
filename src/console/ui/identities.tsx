import { href, type Json } from './api';
import { ErrorBox, Loading, RecordLink, Section, Table, useApi } from './common';

export interface IdentityRecord {
  id: string;
  type: string | null;
  name: string | null;
  description: string | null;
  username: string | null;
  email: string | null;
  groups: string[];
  inherits: string[];
  identity: string | null;
  setting: string[];
  endpoints: { method: string; endpoint: string; from: string }[];
  hidden: string[];
  explain: boolean;
  error?: string;
}
export interface Identities {
  records: IdentityRecord[];
  groups: {
    group_id: string;
    description: string | null;
    groups: string[];
    endpoints: string[];
    hidden: string[];
    usedBy: string[];
  }[];
  settings: { defaultRole: string | null; anonymousRole: string | null };
  invalid: { table: string; id: Json; error: string }[];
}

/** The identities a person may pick: every record's, a signed-in user with no record, anonymous. */
export function identityChoices(data: Identities | undefined): string[] {
  const out = (data?.records ?? []).map((r) => r.identity).filter((i): i is string => i !== null);
  return [...out, 'user:someone', 'anonymous'];
}

/** The identity input of every form: `key:ID`, `user:ID[:group,…]` or `anonymous`, with the known ones offered. */
export function IdentityField({ value }: { value: string }) {
  const { data } = useApi<Identities>('identities', {});
  return (
    <label>
      Identity
      <input
        name="as"
        defaultValue={value}
        list="identity-choices"
        required
        placeholder="key:ID, user:ID:group,group or anonymous"
        autocomplete="off"
        spellcheck={false}
      />
      <datalist id="identity-choices">
        {identityChoices(data).map((i) => (
          <option key={i} value={i} />
        ))}
      </datalist>
    </label>
  );
}

const settingText = (s: string[]) => s.join(', ');

export function IdentitiesView() {
  const { data, error, loading } = useApi<Identities>('identities', {});
  return (
    <>
      <h1>Identities</h1>
      <p>
        The auth records, groups and ROLE records of the tables, each merged with the groups it inherits, as the server
        merges them. Pick one, or type any identity:
      </p>
      <form method="get" action="/see-as" class="inline">
        <IdentityField value="" />
        <button type="submit">See as</button>
      </form>
      {loading && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && (
        <>
          <p data-testid="settings">
            DEFAULT_ROLE: <strong>{data.settings.defaultRole ?? '(unset)'}</strong> · ANONYMOUS_ROLE:{' '}
            <strong>{data.settings.anonymousRole ?? '(unset)'}</strong>
          </p>
          <Section title={`Records (${data.records.length})`} id="records">
            <Table
              label="Auth records"
              testid="records"
              columns={['Record', 'Type', 'Name', 'Groups (inherited)', 'Endpoints', 'Hidden fields', 'Look']}
            >
              <tbody>
                {data.records.map((r) => (
                  <tr key={r.id} id={`record-${encodeURIComponent(r.id)}`} data-record={r.id}>
                    <th scope="row">
                      {r.id}
                      {r.setting.length > 0 && <span class="badge">{settingText(r.setting)}</span>}
                    </th>
                    <td>{r.type ?? '(none)'}</td>
                    <td>{r.name ?? ''}</td>
                    <td>
                      {r.inherits.map((g, i) => (
                        <span key={g}>
                          {i > 0 && ', '}
                          <RecordLink id={g} kind="group" />
                        </span>
                      ))}
                    </td>
                    <td>
                      {r.error ? (
                        <span class="no">{r.error}</span>
                      ) : (
                        <ul class="plain">
                          {r.endpoints.map((e) => (
                            <li key={`${e.method} ${e.endpoint} ${e.from}`}>
                              <code>
                                {e.method} {e.endpoint}
                              </code>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>{r.hidden.join(', ')}</td>
                    <td>
                      {r.identity ? (
                        <>
                          <a href={href('/see-as', { as: r.identity })}>see as</a> ·{' '}
                          <a href={href('/why', { as: r.identity })}>why</a>
                        </>
                      ) : (
                        <span title="a ROLE record: DEFAULT_ROLE or ANONYMOUS_ROLE gives it">by setting</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Section>
          <Section title={`Groups (${data.groups.length})`} id="groups">
            <Table
              label="Groups"
              testid="groups"
              columns={['Group', 'Description', 'Inherits', 'Endpoints', 'Used by']}
            >
              <tbody>
                {data.groups.map((g) => (
                  <tr key={g.group_id} id={`group-${encodeURIComponent(g.group_id)}`}>
                    <th scope="row">{g.group_id}</th>
                    <td>{g.description ?? ''}</td>
                    <td>{g.groups.join(', ')}</td>
                    <td>
                      <ul class="plain">
                        {g.endpoints.map((e) => (
                          <li key={e}>
                            <code>{e}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {g.usedBy.map((id, i) => (
                        <span key={id}>
                          {i > 0 && ', '}
                          <RecordLink id={id} />
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Section>
          {data.invalid.length > 0 && (
            <Section title="Records the server refuses" id="invalid">
              <ul>
                {data.invalid.map((i) => (
                  <li key={`${i.table}-${String(i.id)}`} class="no">
                    {i.table} {String(i.id)}: {i.error}
                  </li>
                ))}
              </ul>
            </Section>
          )}
        </>
      )}
    </>
  );
}
