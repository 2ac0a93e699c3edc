import { conflict, forbidden, invalidBody } from '../core/errors';
import { ACL, aclValue, grantRows } from '../core/item-roles';
import { checkVisible, readScope, visibleJson } from '../core/permissions/access';
import { checkCondition, validateBody } from '../core/validate';
import { type AttributeValue, type Item, keyText } from '../core/values';
import { initialVersion, rolesAllowingCreate, VERSION } from '../core/write';
import { absentCondition, putGrantRow, putItem } from '../dynamo/write';
import type { Ctx, Deps, Reply } from '../engine/context';
import { etagOf } from '../engine/etag';
import { auditBody, checkItemBody, type ItemBody, jsonItem, parseItemBody } from '../engine/write/body';
import { commitChange } from '../engine/write/commit';
import { checkGrantsKey, checkKeyTypes } from '../engine/write/keys';
import { withRetries } from '../engine/write/retry';
import { checkItemSize } from '../engine/write/size';

/** A time-ordered unique id: milliseconds in base 36 (fixed width, so ids sort by time), then random text. */
const generatedId = (now: number, nonce: string) => `${now.toString(36).padStart(9, '0')}-${nonce}`;

/** POST /item (docs/reference/permissions.md#writes, docs/reference/endpoints.md#single-items): 201 with the item as the caller may see it; 409 if the key exists. */
export async function create(deps: Deps, ctx: Ctx): Promise<Reply> {
  return createItem(deps, ctx, parseItemBody(ctx.req.body, 'create'), 'CREATE');
}

/**
 * The create of one item, in docs/reference/permissions.md#order-of-checks: the key (400) → no hidden field (403) →
 * some role may create it as its creator receives it (403) → validation and condition (400) → the write (409 when
 * the key exists).
 */
export async function createItem(deps: Deps, ctx: Ctx, body: ItemBody, action: string): Promise<Reply> {
  const values = keyedValues(deps, body);
  const scope = readScope(ctx.counting);
  checkVisible(Object.keys(body.values), scope.hidden, 'field');
  // The creator receives the app's creator roles on the new item (docs/reference/item-roles.md#creating); the checks
  // below see them.
  const creator = creatorGrants(deps, ctx);
  const item: Item = creator ? { ...values, [ACL]: aclValue(creator) } : values;
  if (rolesAllowingCreate(ctx.counting, item).length === 0)
    throw forbidden('No role of the caller may create this item');
  await checkCreateRules(deps, ctx, item, values);
  const stored = await commitCreate(deps, ctx, { action, body, item, creator });
  return { status: 201, headers: { ETag: etagOf(stored) }, body: visibleJson(stored, scope.hidden) };
}

/** The body's values with their partition key (generated when the app says so), its types and sizes checked. */
function keyedValues(deps: Deps, body: ItemBody): Record<string, AttributeValue> {
  const pk = deps.schema.partitionKey;
  const values = { ...body.values } as Record<string, AttributeValue>;
  if (values[pk.name] === undefined) {
    if (!deps.app.generateId || pk.type !== 'S') {
      throw invalidBody(`${pk.name}: the partition key is required`, { field: pk.name });
    }
    values[pk.name] = { S: generatedId(deps.now(), deps.nonce()) };
  }
  checkKeyTypes(deps, values);
  checkGrantsKey(deps, keyText(values[pk.name]!), pk.name);
  return values;
}

/** The app's field validation, then its create condition (400). */
async function checkCreateRules(deps: Deps, ctx: Ctx, item: Item, values: Record<string, AttributeValue>) {
  const json = jsonItem(values);
  await validateBody({
    validators: deps.app.fieldValidation,
    requiredFields: deps.app.requiredFields,
    body: json,
    create: true,
  });
  await checkCondition(deps.app.createCondition, item, undefined, json, ctx.caller, deps.app.conditionFailureMessage);
}

/** The first version, written on the condition that no item has its key, with the creator's grants rows. */
async function commitCreate(
  deps: Deps,
  ctx: Ctx,
  { action, body, item, creator }: { action: string; body: ItemBody; item: Item; creator?: Record<string, string[]> },
): Promise<Item> {
  const pk = deps.schema.partitionKey.name;
  const version = initialVersion(deps.now(), deps.nonce());
  const stored: Item = { ...item, [VERSION]: { N: String(version) } };
  checkItemSize(stored);
  const key: Item = { [pk]: item[pk]! };
  const text = keyText(key[pk]!);
  const rows =
    creator && deps.tables.grants
      ? [...grantRows(creator)].map(([user, roles]) => putGrantRow(deps.tables.grants!, user, text, roles))
      : [];
  const change = putItem(deps.schema.table, stored, absentCondition(pk));
  const record = { action, key, version, item: stored, changed: Object.keys(item), body: auditBody(body) };
  await withRetries(
    deps,
    text,
    () => commitChange(deps, ctx, change, record, rows),
    () => conflict(`An item with ${pk} ${text} already exists`),
  );
  return stored;
}

/** The creator's direct grants on a new item, or undefined (no item roles, no creator roles, no user id). */
function creatorGrants(deps: Deps, ctx: Ctx): Record<string, string[]> | undefined {
  const roles = deps.itemRoles?.creator ?? [];
  const user = ctx.caller.id;
  if (roles.length === 0 || user === undefined) return undefined;
  return Object.fromEntries(roles.map((r) => [r, [user]]));
}

export { checkItemBody };
