import { href, type Json, param, show } from './api';
import { ErrorBox, ItemForm, ItemLinks, Loading, Table, useApi } from './common';

interface Version {
  time: string;
  action: string;
  version: number | null;
  user?: { id?: string; username?: string; name?: string } | null;
  item: Record<string, Json> | null;
  redacted?: boolean;
  diff: { field: string; before: Json; after: Json }[];
  /** the oldest version recorded: nothing before it to compare with */
  first?: boolean;
}
interface HistoryAnswer {
  item: string;
  audit: boolean;
  versions: Version[];
  next?: string | null;
  code?: string;
  error?: string;
}

const who = (u: Version['user']) => (u ? (u.username ?? u.id ?? '(unknown)') : '(unknown)');

export function HistoryView() {
  const item = param('item');
  const cursor = param('cursor');
  const { data, error, loading } = useApi<HistoryAnswer>('history', { item, cursor }, item !== '');
  return (
    <>
      <h1>History</h1>
      <ItemForm action="/history" item={item} submit="Show" />
      {item === '' && <p>An item's versions, newest first, each with what changed since the one before.</p>}
      {loading && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && !data.audit && <p>Auditing is off (no AUDIT_TABLE): there is no history.</p>}
      {data?.code && <ErrorBox error={{ code: data.code, error: data.error ?? '' }} />}
      {data?.audit && (
        <>
          <p>
            <ItemLinks item={data.item} /> · {data.versions.length} version{data.versions.length === 1 ? '' : 's'}
          </p>
          <ol class="timeline" data-testid="timeline">
            {data.versions.map((v) => (
              <li key={`${v.time}-${v.version}`} data-version={String(v.version)}>
                <p class="when">
                  <strong>{v.action}</strong> by <a href={href('/audit', { user: v.user?.id })}>{who(v.user)}</a> at{' '}
                  <time dateTime={v.time}>{v.time}</time> · version {v.version ?? ''}
                </p>
                {v.item === null && <p class="no">{v.redacted ? 'redacted' : 'deleted'}</p>}
                {v.first && <p class="hint">The oldest version recorded: every field it holds.</p>}
                {v.diff.length > 0 && (
                  <Table label={`Changes at ${v.time}`} columns={['Field', 'Before', 'After']}>
                    <tbody>
                      {v.diff.map((d) => (
                        <tr key={d.field} data-field={d.field}>
                          <th scope="row">{d.field}</th>
                          <td class="before">{d.before === null ? '(absent)' : show(d.before)}</td>
                          <td class="after">{d.after === null ? '(absent)' : show(d.after)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                )}
              </li>
            ))}
          </ol>
          {data.next && <a href={href('/history', { item: data.item, cursor: data.next })}>Older versions</a>}
        </>
      )}
    </>
  );
}

interface AuditRecord {
  id: string;
  time: string;
  action: string;
  method: string;
  path: string;
  resource_key?: string;
  user?: { id?: string; username?: string } | null;
  changed?: string[];
}
interface AuditAnswer {
  audit: boolean;
  /** the start the log was read from (the last 30 days unless given) */
  from?: string;
  records: AuditRecord[];
  next: string | null;
  code?: string;
  error?: string;
}

type AuditFilters = Record<'user' | 'action' | 'item' | 'from' | 'to', string>;

const ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'GET', 'LIST', 'SEARCH', 'AUDIT', 'HISTORY', 'GRANT', 'REVOKE'];

export function AuditView() {
  const filters: AuditFilters = {
    user: param('user'),
    action: param('action'),
    item: param('item'),
    from: param('from'),
    to: param('to'),
  };
  const cursor = param('cursor');
  const { data, error, loading } = useApi<AuditAnswer>('audit', { ...filters, cursor });
  return (
    <>
      <h1>Audit log</h1>
      <AuditForm filters={filters} />
      {loading && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && !data.audit && <p>Auditing is off (no AUDIT_TABLE).</p>}
      {data?.code && <ErrorBox error={{ code: data.code, error: data.error ?? '' }} />}
      {data?.audit && <AuditRecords data={data} filters={filters} />}
    </>
  );
}

function AuditForm({ filters }: { filters: AuditFilters }) {
  return (
    <form method="get" action="/audit" class="inline">
      <label>
        User id
        <input name="user" defaultValue={filters.user} spellcheck={false} />
      </label>
      <label>
        Action
        <input name="action" defaultValue={filters.action} placeholder="UPDATE" list="actions" spellcheck={false} />
        <datalist id="actions">
          {ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label>
        Item
        <input name="item" defaultValue={filters.item} spellcheck={false} />
      </label>
      <label>
        From
        <input name="from" defaultValue={filters.from} placeholder="2025-01-01" spellcheck={false} />
      </label>
      <label>
        To
        <input name="to" defaultValue={filters.to} placeholder="2025-12-31T23:59:59Z" spellcheck={false} />
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}

function AuditRecords({ data, filters }: { data: AuditAnswer; filters: AuditFilters }) {
  return (
    <>
      <p class="hint" data-testid="since">
        Newest first, since {data.from}.
      </p>
      <Table
        label="Audit records, newest first"
        testid="audit"
        columns={['Time', 'Action', 'Request', 'User', 'Item', 'Changed']}
      >
        <tbody>
          {data.records.map((r) => (
            <AuditRow key={r.id} record={r} />
          ))}
        </tbody>
      </Table>
      {data.records.length === 0 && <p>No records.</p>}
      {data.next && <a href={href('/audit', { ...filters, cursor: data.next })}>Older records</a>}
    </>
  );
}

function AuditRow({ record: r }: { record: AuditRecord }) {
  return (
    <tr data-action={r.action}>
      <td>
        <time dateTime={r.time}>{r.time}</time>
      </td>
      <td>{r.action}</td>
      <td>
        <code>
          {r.method} {r.path}
        </code>
      </td>
      <td>
        {r.user?.id ? <a href={href('/audit', { user: r.user.id })}>{r.user.username ?? r.user.id}</a> : '(anonymous)'}
      </td>
      <td>
        {r.resource_key && (
          <>
            <code>{r.resource_key}</code> <ItemLinks item={r.resource_key} />
          </>
        )}
      </td>
      <td>{(r.changed ?? []).join(', ')}</td>
    </tr>
  );
}
