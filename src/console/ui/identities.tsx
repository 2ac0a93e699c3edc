import { href, type Json } from './api';
import { ErrorBox, Loading, RecordLinks, Section, Table, useApi } from './common';

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
          <Settings settings={data.settings} />
          <RecordsSection records={data.records} />
          <GroupsSection groups={data.groups} />
          {data.invalid.length > 0 && <InvalidRecords invalid={data.invalid} />}
        </>
      )}
    </>
  );
}

function Settings({ settings }: { settings: Identities['settings'] }) {
  return (
    <p data-testid="settings">
      DEFAULT_ROLE: <strong>{settings.defaultRole ?? '(unset)'}</strong> · ANONYMOUS_ROLE:{' '}
      <strong>{settings.anonymousRole ?? '(unset)'}</strong>
    </p>
  );
}

function RecordsSection({ records }: { records: IdentityRecord[] }) {
  return (
    <Section title={`Records (${records.length})`} id="records">
      <Table
        label="Auth records"
        testid="records"
        columns={['Record', 'Type', 'Name', 'Groups (inherited)', 'Endpoints', 'Hidden fields', 'Look']}
      >
        <tbody>
          {records.map((r) => (
            <RecordRow key={r.id} record={r} />
          ))}
        </tbody>
      </Table>
    </Section>
  );
}

function RecordRow({ record: r }: { record: IdentityRecord }) {
  return (
    <tr id={`record-${encodeURIComponent(r.id)}`} data-record={r.id}>
      <th scope="row">
        {r.id}
        {r.setting.length > 0 && <span class="badge">{settingText(r.setting)}</span>}
      </th>
      <td>{r.type ?? '(none)'}</td>
      <td>{r.name ?? ''}</td>
      <td>
        <RecordLinks ids={r.inherits} kind="group" />
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
        <LookLinks identity={r.identity} />
      </td>
    </tr>
  );
}

/** See as, and why, for a record that is an identity; a ROLE record is given by a setting instead. */
function LookLinks({ identity }: { identity: string | null }) {
  if (!identity) return <span title="a ROLE record: DEFAULT_ROLE or ANONYMOUS_ROLE gives it">by setting</span>;
  return (
    <>
      <a href={href('/see-as', { as: identity })}>see as</a> · <a href={href('/why', { as: identity })}>why</a>
    </>
  );
}

function GroupsSection({ groups }: { groups: Identities['groups'] }) {
  return (
    <Section title={`Groups (${groups.length})`} id="groups">
      <Table label="Groups" testid="groups" columns={['Group', 'Description', 'Inherits', 'Endpoints', 'Used by']}>
        <tbody>
          {groups.map((g) => (
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
                <RecordLinks ids={g.usedBy} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Section>
  );
}

function InvalidRecords({ invalid }: { invalid: Identities['invalid'] }) {
  return (
    <Section title="Records the server refuses" id="invalid">
      <ul>
        {invalid.map((i) => (
          <li key={`${i.table}-${String(i.id)}`} class="no">
            {i.table} {String(i.id)}: {i.error}
          </li>
        ))}
      </ul>
    </Section>
  );
}
