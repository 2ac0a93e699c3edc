import { href, type Json, param } from './api';
import { Code, ErrorBox, ItemForm, Loading, RecordLinks, Table, useApi, YesNo } from './common';

interface WhoRow {
  identity: string;
  label: string;
  kind: string;
  roles?: string[];
  itemRoles?: string[];
  read?: boolean;
  change?: boolean;
  delete?: boolean;
  fields?: string[];
  hidden?: string[];
  reason?: string;
  error?: string;
}
interface Who {
  item: string;
  path: string;
  stored: Json;
  acl: Record<string, string[]>;
  rows: WhoRow[];
  reads: { auth_records: number; groups: number; items: number };
}

export function WhoView() {
  const item = param('item');
  const { data, error, loading } = useApi<Who>('who', { item }, item !== '');
  return (
    <>
      <h1>Who can read this item?</h1>
      <ItemForm action="/who" item={item} submit="Ask" />
      {item === '' && (
        <p>
          Every identity the tables name — API keys, users, a member of each OIDC group, the holders of the item's
          roles, any other signed-in user and anonymous — and what each may do with the item.
        </p>
      )}
      {loading && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && <WhoAnswer data={data} />}
    </>
  );
}

function WhoAnswer({ data }: { data: Who }) {
  return (
    <>
      <p>
        <code>{data.path}</code> · <a href={href('/history', { item: data.item })}>history</a> · read{' '}
        {data.reads.auth_records} auth records, {data.reads.groups} groups, {data.reads.items} item
      </p>
      <details>
        <summary>The stored item</summary>
        <Code value={data.stored} />
      </details>
      {Object.keys(data.acl).length > 0 && (
        <p data-testid="acl">
          Item roles:{' '}
          {Object.entries(data.acl)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([role, users]) => `${role}: ${users.join(', ')}`)
            .join(' · ')}
        </p>
      )}
      <Table
        label="Who can read, change and delete the item"
        testid="who"
        columns={['Identity', 'Roles', 'Item roles', 'Read', 'Change', 'Delete', 'Fields seen']}
      >
        <tbody>
          {data.rows.map((r) => (
            <WhoRowView key={r.identity} row={r} data={data} />
          ))}
        </tbody>
      </Table>
    </>
  );
}

function WhoRowView({ row: r, data }: { row: WhoRow; data: Who }) {
  const hidden = r.hidden ?? [];
  return (
    <tr data-identity={r.identity}>
      <th scope="row">
        <a href={href('/why', { as: r.identity, method: 'GET', path: data.path, item: data.item })}>{r.label}</a>
        <br />
        <small>
          {r.kind} · <code>{r.identity}</code>
        </small>
      </th>
      {r.error ? (
        <td colSpan={6} class="no">
          {r.error}
        </td>
      ) : (
        <>
          <td>
            <RecordLinks ids={r.roles ?? []} />
          </td>
          <td>{(r.itemRoles ?? []).join(', ')}</td>
          <td data-col="read">
            <YesNo value={r.read === true} label="read" />
          </td>
          <td data-col="change">
            <YesNo value={r.change === true} label="change" />
          </td>
          <td data-col="delete">
            <YesNo value={r.delete === true} label="delete" />
          </td>
          <td data-col="fields">
            {(r.fields ?? []).join(', ')}
            {hidden.length > 0 && <small> (hidden: {hidden.join(', ')})</small>}
          </td>
        </>
      )}
    </tr>
  );
}
