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
      {!ready && (
        <p>
          What the server decides for an identity on a method and path, and for an item: what `scoutr check` prints.
        </p>
      )}
      {loading && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && (
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
              {data.rule ? (
                <>
                  <code>
                    {data.rule.method} {data.rule.endpoint}
                  </code>{' '}
                  of role <RecordLink id={data.rule.role} />, from{' '}
                  {data.ruleSource && <RecordLink id={data.ruleSource.id} kind={data.ruleSource.kind} />}
                </>
              ) : (
                'none'
              )}
            </dd>
            <dt>Row filter</dt>
            <dd data-testid="row-filter">
              {data.row_filter === true ? (
                'all rows'
              ) : data.row_filter === false ? (
                'no rows'
              ) : (
                <Code value={data.row_filter} />
              )}
            </dd>
            <dt>Hidden fields</dt>
            <dd data-testid="hidden">{data.hidden_fields.join(', ') || 'none'}</dd>
            {data.item && (
              <>
                <dt>Item {data.item.id}</dt>
                <dd data-testid="item">
                  {data.item.visible ? 'visible' : 'not visible'}
                  {data.item.changeable === undefined ? '' : data.item.changeable ? ', changeable' : ', not changeable'}{' '}
                  · <a href={href('/who', { item: data.item.id })}>who can read it</a>
                </dd>
              </>
            )}
          </dl>
        </div>
      )}
    </>
  );
}
