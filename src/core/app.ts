import type { Caller } from './caller';
import type { ItemRolesConfig } from './item-roles';
import type { JsonOut } from './json';
import type { FieldFilterEntry } from './permissions/record';
import type { Method } from './request';
import type { KeyAttribute } from './schema';
import type { KeyType } from './values';

// docs/reference/app-config.md#the-module: the app config is code. Its default export is an AppConfig (see example/petstore/scoutr.config.ts).

export type JsonItem = { [key: string]: JsonOut };
type ValidatorResult = boolean | { result: boolean; message?: string };
/** `(value, item, existingItem?)`: item is the request body; existingItem the stored item without hidden fields. */
export type ValidatorFn = (
  value: JsonOut,
  item: JsonItem,
  existingItem?: JsonItem,
) => ValidatorResult | Promise<ValidatorResult>;
/** Any Standard Schema (zod 3.24+/4, valibot, arktype): validated through its `~standard` interface. */
export interface StandardSchema {
  readonly '~standard': {
    validate(value: unknown): StandardResult | Promise<StandardResult>;
  };
}
type StandardResult = { value?: unknown; issues?: ReadonlyArray<{ message: string }> | undefined };
export type Validator = ValidatorFn | StandardSchema;

export type ConditionFn = (existingItem: JsonItem | undefined, changes: JsonItem) => boolean | Promise<boolean>;
export type WriteCondition = FieldFilterEntry | FieldFilterEntry[] | ConditionFn;

export interface UniqueRoute {
  field: string;
  /** post-processes the distinct values before they are answered */
  transform?: (values: JsonOut[]) => JsonOut[] | Promise<JsonOut[]>;
}

/** What a custom action may do: one create, update or delete, under the same rules as that verb. */
export interface WriteOps<R = unknown> {
  /** the request body as JSON (undefined when there is none) */
  body(): unknown;
  create(item: Record<string, unknown>): Promise<R>;
  /**
   * `changes`, or a function of the stored item (as the caller may see it) that returns them: it is called on each
   * attempt with what that attempt read, and the write is conditioned on that version, so a change computed from the
   * item (appending to a list) is never made on a stale copy.
   */
  update(
    id: string | undefined,
    changes: Record<string, unknown> | ((existing: JsonItem) => Record<string, unknown>),
  ): Promise<R>;
  delete(id: string | undefined): Promise<R>;
}

/** What a custom action is told of its request. */
export interface CustomRequest {
  pathParams: Record<string, string>;
  query: Array<[string, string]>;
  /** who is calling, as the server resolved them: `id` is absent for an anonymous caller */
  caller: Readonly<Pick<Caller, 'kind' | 'id' | 'username' | 'email' | 'name'>> & { groups: readonly string[] };
}

/** The write a custom action runs. */
export type CustomWrite = 'create' | 'update' | 'delete';

/**
 * A custom route (docs/reference/app-config.md#custom-actions), e.g. POST /item/{id}/sell: it runs for the roles that permit its own method and
 * path, and its change is audited (and versioned) under its own action name.
 */
export interface CustomAction {
  method: Exclude<Method, 'GET'>;
  path: string;
  /**
   * The one write it runs through `ops` (default `update`), so that `scoutr check` and `loadPolicy` decide its route
   * under that verb's rules as the server does; calling another `ops` write is a 500 naming the action.
   */
  runs?: CustomWrite;
  run: (ops: WriteOps, request: CustomRequest) => Promise<unknown>;
}

export interface AppConfig {
  /** route names: `/items`, `/item/{id}` by default */
  routes?: { items?: string; item?: string };
  /** `{ '/types': 'type' }`: GET /types answers the distinct values of `type` among visible items */
  uniqueRoutes?: Record<string, string | UniqueRoute>;
  /** static filter routes: `'/items/status/{status}'` adds `status = value`; each `{param}` names its field */
  filterRoutes?: string[];
  fieldValidation?: Record<string, Validator>;
  requiredFields?: string[];
  /** a create without the partition key gets a time-ordered unique id (string keys only) */
  generateId?: boolean;
  createCondition?: WriteCondition;
  updateCondition?: WriteCondition;
  deleteCondition?: WriteCondition;
  conditionFailureMessage?: string;
  /** custom write routes, by audit action name (any name but the built-in ones) */
  customActions?: Record<string, CustomAction>;
  /** roles on single items, granted per item (docs/reference/item-roles.md#declaring-item-roles); without them an app behaves as before */
  itemRoles?: ItemRolesConfig;
  /** which actions /history shows; default every action that changes the item */
  historyActions?: string[];
  /**
   * The data table: its key and indexes, from which `scoutr dev` creates it locally and the deploy integration
   * declares it. Without one, an existing table is used as DescribeTable finds it (key `id`, a string, when `scoutr
   * dev` has to create it). A table that exists is only described, never changed.
   */
  table?: TableDeclaration;
  /**
   * ROLE records (docs/reference/permissions.md#roles) every signed-in caller also has / a request without an identity has. The
   * DEFAULT_ROLE and ANONYMOUS_ROLE variables, when set, win.
   */
  defaultRole?: string;
  anonymousRole?: string;
}

/** A key attribute: `'isbn'` is a string key; `{ name: 'year', type: 'N' }` says its type. */
export type KeyDeclaration = string | { name: string; type: KeyType };
export interface TableDeclaration {
  /** locally the default of DATA_TABLE; deployed as `<service>-<stage>-<name>` (default `items`) */
  name?: string;
  key: KeyDeclaration;
  /** global secondary indexes, projecting every attribute (the planner uses only those: docs/reference/query-language.md#planning) */
  indexes?: { name: string; key: KeyDeclaration; sortKey?: KeyDeclaration }[];
}

const keyAttribute = (k: KeyDeclaration): KeyAttribute => (typeof k === 'string' ? { name: k, type: 'S' } : k);

/** The data table's key and indexes as the app declares them (key `id`, a string, when it declares none). */
export function dataTableOf(app: AppConfig): {
  partitionKey: KeyAttribute;
  indexes: { name: string; partitionKey: KeyAttribute; sortKey?: KeyAttribute }[];
} {
  const table = app.table ?? { key: 'id' };
  return {
    partitionKey: keyAttribute(table.key),
    indexes: (table.indexes ?? []).map((ix) => ({
      name: ix.name,
      partitionKey: keyAttribute(ix.key),
      ...(ix.sortKey === undefined ? {} : { sortKey: keyAttribute(ix.sortKey) }),
    })),
  };
}

/** DEFAULT_ROLE and ANONYMOUS_ROLE: the variables when set, else the app's own. */
export const roleSettings = (
  app: AppConfig,
  env: { DEFAULT_ROLE?: string | undefined; ANONYMOUS_ROLE?: string | undefined },
) => ({
  defaultRole: env.DEFAULT_ROLE ?? app.defaultRole,
  anonymousRole: env.ANONYMOUS_ROLE ?? app.anonymousRole,
});

export const BUILTIN_ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'GET', 'LIST', 'SEARCH', 'AUDIT', 'HISTORY'] as const;
