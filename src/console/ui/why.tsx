import { href, param } from './api';
import { Code, ErrorBox, Loading, RecordLink, RoleLinks, useApi } from './common';
import { IdentityField } from './identities';

interface Why {
  identity: string;
  caller: { id: string | null; groups: string[] };
  method: string;
  path: string;
  allowed: boolean;
  reason: string;
  roles: string[];
  rule: { role: string; method: string; endpoint: string; from: string } | null;
  row_filter: unknown;
  hidden_fields: string[];
  item?: { id: string; visible?: boolean; changeable?: boolean };
  records: { id: string; type: string; groups: string[] }[];
  ruleSource: { kind: 'record' | 'group'; id: string } | null;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function WhyView() {
  const as = param('as');
  const method = param('method') || 'GET';
  const path = param('path');
  const item = param('item');
  const ready = as !== '' && path !== '';
  const { data, error, loading } = useApi<Why>('why', { as, method, path, item }, ready);
  return (
    <>
      <h1>Why</h1>
      <WhyForm as={as} method={method} path={path} item={item} />
      {!ready && (
        <p>
          What the server decides for an identity on a method and path, and for an item: what `scoutr check` prints.
        </p>
      )}
      {loading && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && <Decision data={data} />}
    </>
  );
}

function WhyForm({ as, method, path, item }: { as: string; method: string; path: string; item: string }) {
  return (
    <form method="get" action="/why" class="inline">
      <IdentityField value={as} />
      <label>
        Method
        <select name="method" defaultValue={method}>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        Path
        <input name="path" defaultValue={path} required placeholder="/item/p-1" spellcheck={false} />
      </label>
      <label>
        Item (optional)
        <input name="item" defaultValue={item} placeholder="its key" spellcheck={false} />
      </label>
      <button type="submit">Decide</button>
    </form>
  );
}

function Decision({ data }: { data: Why }) {
  return (
    <div data-testid="decision">
      <p class={data.allowed ? 'verdict yes' : 'verdict no'} data-testid="verdict">
        {data.allowed ? 'allowed' : 'denied'}: {data.method} {data.path}: {data.reason}
      </p>
      <dl class="facts">
        <dt>Roles that counted</dt>
        <dd data-testid="roles">
          <RoleLinks roles={data.roles} />
        </dd>
        <dt>Rule that decided</dt>
        <dd data-testid="rule">
          <RuleText rule={data.rule} source={data.ruleSource} />
        </dd>
        <dt>Row filter</dt>
        <dd data-testid="row-filter">
          <RowFilter filter={data.row_filter} />
        </dd>
        <dt>Hidden fields</dt>
        <dd data-testid="hidden">{data.hidden_fields.join(', ') || 'none'}</dd>
        {data.item && <ItemFact item={data.item} />}
      </dl>
    </div>
  );
}

/** The endpoint rule that allowed the call, its role and the record or group it came from; "none" when denied. */
function RuleText({ rule, source }: { rule: Why['rule']; source: Why['ruleSource'] }) {
  if (!rule) return <>none</>;
  return (
    <>
      <code>
        {rule.method} {rule.endpoint}
      </code>{' '}
      of role <RecordLink id={rule.role} />, from {source && <RecordLink id={source.id} kind={source.kind} />}
    </>
  );
}

function RowFilter({ filter }: { filter: unknown }) {
  if (filter === true) return <>all rows</>;
  if (filter === false) return <>no rows</>;
  return <Code value={filter} />;
}

function ItemFact({ item }: { item: NonNullable<Why['item']> }) {
  const change = item.changeable === undefined ? '' : item.changeable ? ', changeable' : ', not changeable';
  return (
    <>
      <dt>Item {item.id}</dt>
      <dd data-testid="item">
        {item.visible ? 'visible' : 'not visible'}
        {change} · <a href={href('/who', { item: item.id })}>who can read it</a>
      </dd>
    </>
  );
}
