import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type ApiError, getJson, href, isError } from './api';

/** Loads one answer of the console's API when the parameters change. */
export function useApi<T>(view: string, params: Record<string, string | undefined>, enabled = true) {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: enabled });
  const key = JSON.stringify(params);
  // The parameters are compared by their JSON text (`key`).
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState({ loading: true });
    getJson<T>(view, params).then(
      (v) => live && setState(isError(v) ? { error: v, loading: false } : { data: v, loading: false }),
      (err: unknown) => live && setState({ error: { code: 'NETWORK', error: String(err) }, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [view, key, enabled]);
  return state;
}

export function Loading() {
  return (
    <p class="loading" role="status">
      Loading…
    </p>
  );
}

export function ErrorBox({ error }: { error: ApiError }) {
  return (
    <p class="error" role="alert" data-testid="error">
      {error.status ? `${error.status} ` : ''}
      {error.code}: {error.error}
    </p>
  );
}

export function YesNo({ value, label }: { value: boolean; label: string }) {
  return (
    <span class={value ? 'yes' : 'no'} title={`${label}: ${value ? 'yes' : 'no'}`}>
      {value ? 'yes' : 'no'}
    </span>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} id={id}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * A table that scrolls sideways on a narrow screen instead of squeezing its columns; `columns`, when given, are its
 * header row (plain column names).
 */
export function Table({
  children,
  label,
  testid,
  columns,
}: {
  children: ComponentChildren;
  label: string;
  testid?: string;
  columns?: readonly string[];
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-wrap" tabIndex={0} aria-label={label}>
      <table data-testid={testid}>
        {columns && (
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
        )}
        {children}
      </table>
    </section>
  );
}

/** A link to an auth record or a group in the identities view. */
export function RecordLink({ id, kind = 'record' }: { id: string; kind?: 'record' | 'group' }) {
  return <a href={`/identities#${kind}-${encodeURIComponent(id)}`}>{id}</a>;
}

/** Links to auth records (or groups), comma-separated; `empty` when there are none. */
export function RecordLinks({
  ids,
  kind = 'record',
  empty = '',
}: {
  ids: readonly string[];
  kind?: 'record' | 'group';
  empty?: string;
}) {
  if (ids.length === 0) return <>{empty}</>;
  return (
    <>
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <RecordLink id={id} kind={kind} />
        </span>
      ))}
    </>
  );
}

/** A list of roles, each a link to its record; "none" for an empty list. */
export function RoleLinks({ roles }: { roles: readonly string[] }) {
  return <RecordLinks ids={roles} empty="none" />;
}

/** The one-field form of the views about an item: its key, sent to `action` as `?item=`. */
export function ItemForm({ action, item, submit }: { action: string; item: string; submit: string }) {
  return (
    <form method="get" action={action} class="inline">
      <label>
        Item
        <input name="item" defaultValue={item} required placeholder="its key" spellcheck={false} />
      </label>
      <button type="submit">{submit}</button>
    </form>
  );
}

/** Links about one item: who can read it, its history. */
export function ItemLinks({ item }: { item: string }) {
  return (
    <span class="item-links">
      <a href={href('/who', { item })}>who</a> · <a href={href('/history', { item })}>history</a>
    </span>
  );
}

export function Code({ value }: { value: unknown }) {
  return <pre class="code">{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>;
}
