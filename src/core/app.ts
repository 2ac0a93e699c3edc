import type { Caller } from './caller';
import type { ItemRolesConfig } from './item-roles';
import type { JsonOut } from './json';
import type { FieldFilterEntry } from './permissions/record';
import type { Method } from './request';
import { routesFor } from './routes';

// SPEC.md §8: the app config is code. Its default export is an AppConfig (see example/app.ts).

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
 * A custom route (SPEC.md §8), e.g. POST /item/{id}/sell: it runs for the roles that permit its own method and
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
  /** roles on single items, granted per item (SPEC.md §11); without them an app behaves as before */
  itemRoles?: ItemRolesConfig;
  /** which actions /history shows; default every action that changes the item */
  historyActions?: string[];
  /**
   * The data table `npm start` creates when it has to (embedded DynamoDB, or SCOUTR_SEED=example): its key and
   * indexes. Deployed tables come from serverless.yml; an existing table is only described, never changed.
   */
  localTable?: {
    partitionKey: { name: string; type: 'S' | 'N' | 'B' };
    indexes?: {
      name: string;
      partitionKey: { name: string; type: 'S' | 'N' | 'B' };
      sortKey?: { name: string; type: 'S' | 'N' | 'B' };
    }[];
  };
}

/**
 * Gives the config its type, for app modules: `export default defineApp({ ... })`. Refuses, when the module loads, a
 * route table API Gateway could not deploy (RouteTableError naming each route; SPEC.md §14).
 */
export function defineApp(config: AppConfig): AppConfig {
  routesFor(config);
  return config;
}

export const BUILTIN_ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'GET', 'LIST', 'SEARCH', 'AUDIT', 'HISTORY'] as const;
