import { href, type Json, param, show } from './api';
import { ErrorBox, ItemLinks, Loading, RoleLinks, Section, Table, useApi, YesNo } from './common';
import { IdentityField } from './identities';

interface Row {
  key: string;
  item: Record<string, Json>;
  itemRoles: string[];
  change: boolean;
  delete: boolean;
}
interface SeeAs {
  identity: string;
  caller: { kind: string; id: string | null; username: string | null; groups: string[] };
  roles: string[];
  route: string;
  query: string;
  status: number;
  code?: string;
  error?: string;
  reason?: string;
  rows: Row[];
  columns?: string[];
  hidden?: string[];
  updatable?: Record<string, boolean>;
  plan?: Record<string, Json>;
  reads: { calls: number; items_read: number; capacity?: number };
  next?: string | null;
}

function Cell({ row, field, hidden }: { row: Row; field: string; hidden: boolean }) {
  if (hidden) return <td class="hidden-field">hidden</td>;
  const v = row.item[field];
  return <td>{v === undefined ? '' : show(v)}</td>;
}

export function SeeAsView() {
  const as = param('as');
  const q = param('q');
  const cursor = param('cursor');
  const { data, error, loading } = useApi<SeeAs>('see-as', { as, q, cursor }, as !== '');
  return (
    <>
      <h1>See as</h1>
      <form method="get" action="/see-as" class="inline">
        <IdentityField value={as} />
        <label>
          Filter
          <input name="q" defaultValue={q} placeholder="status=available&price__lt=100" spellcheck={false} />
        </label>
        <button type="submit">List</button>
      </form>
      {as === '' && <p>Pick an identity: the rows it may list, the fields hidden from it, what it may change.</p>}
      {loading && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && <SeeAsAnswer data={data} />}
    </>
  );
}

function SeeAsAnswer({ data }: { data: SeeAs }) {
  return (
    <>
      <CallerLine data={data} />
      <p data-testid="status" class={data.status === 200 ? 'yes' : 'no'}>
        {data.route}
        {data.query ? `?${data.query}` : ''} → {data.status}
        {data.status === 200 ? ` (${data.reason})` : ` ${data.code}: ${data.error}`}
      </p>
      {data.status === 200 && (
        <>
          <Section title="Plan and reads" id="plan">
            <PlanFacts data={data} />
          </Section>
          <RowsSection data={data} />
        </>
      )}
    </>
  );
}

/** Who the identity is: its user id, groups and roles, and a link to the API it is given. */
function CallerLine({ data }: { data: SeeAs }) {
  return (
    <p data-testid="who">
      <strong>{data.identity}</strong> — user id {data.caller.id ?? '(none)'}
      {data.caller.groups.length > 0 && `, groups ${data.caller.groups.join(', ')}`}; roles:{' '}
      <RoleLinks roles={data.roles} />
      {' · '}
      <a href={href('/api/openapi', { as: data.identity })} data-testid="openapi-link">
        its API (openapi.json)
      </a>
    </p>
  );
}

/** A term and its description, left out when the plan has no such part. */
function Fact({ term, value }: { term: string; value: Json | undefined }) {
  if (value === undefined) return null;
  return (
    <>
      <dt>{term}</dt>
      <dd>{show(value)}</dd>
    </>
  );
}

/** How the list was read (the plan's operation, index, key condition, filters) and what it read and showed. */
function PlanFacts({ data }: { data: SeeAs }) {
  const plan = data.plan;
  return (
    <dl class="facts" data-testid="plan">
      <dt>Operation</dt>
      <dd data-testid="operation">{show(plan?.operation)}</dd>
      <Fact term="Index" value={plan?.index} />
      <Fact term="Key condition" value={plan?.keyCondition} />
      <Fact term="DynamoDB filter on" value={plan?.filter} />
      <Fact term="In memory" value={plan?.inMemory} />
      <dt>DynamoDB calls</dt>
      <dd data-testid="calls">{data.reads.calls}</dd>
      <dt>Items read</dt>
      <dd data-testid="items-read">{data.reads.items_read}</dd>
      <dt>Rows shown</dt>
      <dd data-testid="row-count">{data.rows.length}</dd>
      <dt>Hidden fields</dt>
      <dd data-testid="hidden">{(data.hidden ?? []).join(', ') || 'none'}</dd>
    </dl>
  );
}

/** The rows the identity may list, its hidden fields marked, with what it may do to each item. */
function RowsSection({ data }: { data: SeeAs }) {
  const columns = data.columns ?? [];
  const hidden = new Set(data.hidden ?? []);
  return (
    <Section title="Rows" id="rows">
      <p class="hint">A ✎ marks a field a role permitting PATCH or PUT may change.</p>
      <Table label="Rows the identity may list" testid="rows">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" data-field={c}>
                {c}
                {data.updatable?.[c] && (
                  <span class="pen" title="may change">
                    {' '}
                    ✎<span class="sr-only">may change</span>
                  </span>
                )}
              </th>
            ))}
            <th scope="col">Item roles</th>
            <th scope="col">May change</th>
            <th scope="col">May delete</th>
            <th scope="col">Item</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row) => (
            <tr key={row.key} data-key={row.key}>
              {columns.map((c) => (
                <Cell key={c} row={row} field={c} hidden={hidden.has(c)} />
              ))}
              <td data-col="item-roles">{row.itemRoles.join(', ')}</td>
              <td data-col="change">
                <YesNo value={row.change} label="may change" />
              </td>
              <td data-col="delete">
                <YesNo value={row.delete} label="may delete" />
              </td>
              <td>
                <ItemLinks item={row.key} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {data.next && (
        <p>
          <a href={href('/see-as', { as: data.identity, q: data.query, cursor: data.next })}>Next page</a>
        </p>
      )}
    </Section>
  );
}
