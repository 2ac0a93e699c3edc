import type { JsonItem } from '../core/app';
import { forbidden, invalidBody } from '../core/errors';
import { checkVisible, type ReadScope, readScope, visibleJson } from '../core/permissions/access';
import { checkCondition, validateBody } from '../core/validate';
import { type AttributeValue, type Item, keyText, valuesEqual } from '../core/values';
import { applyChanges, fieldsNoRoleMayUpdate, rolesAllowingUpdate, VERSION, versionOf } from '../core/write';
import { putItem, versionCondition } from '../dynamo/write';
import type { Ctx, Deps, Reply } from '../engine/context';
import { etagOf } from '../engine/etag';
import { auditRead } from '../engine/read/audit-record';
import { auditBody, type ItemBody, jsonItem, parseItemBody } from '../engine/write/body';
import { commitChange } from '../engine/write/commit';
import { checkKeyTypes } from '../engine/write/keys';
import { withRetries } from '../engine/write/retry';
import { checkItemSize } from '../engine/write/size';
import { checkIfMatch, visibleStored } from '../engine/write/stored';
import { itemKey } from './get';

/** PUT and PATCH /item/{id}: a partial update; `null` removes an attribute (docs/reference/endpoints.md#single-items). */
export async function update(deps: Deps, ctx: Ctx): Promise<Reply> {
  return updateItem(deps, ctx, ctx.req.pathParams.id, parseItemBody(ctx.req.body, 'update'), 'UPDATE');
}

/** The item an update is about: its key, the key's text, and what the caller's roles let them see. */
interface Target {
  key: Item;
  text: string;
  scope: ReadScope;
}

/** An update as decided: the body as made (for the audit record) and the changes it makes. */
interface Update {
  made: ItemBody;
  changes: Record<string, AttributeValue | null>;
}

/**
 * The update of one item: `body`, or a function of the stored item as the caller may see it (a custom action's
 * change computed from the item), called again on each attempt with what that attempt read. In
 * docs/reference/permissions.md#order-of-checks: the body (400, 403 hidden field) → 404 → If-Match (412) → 403 row
 * → 400 validation → 400 condition → the write (409 after the retries).
 */
export async function updateItem(
  deps: Deps,
  ctx: Ctx,
  id: string | undefined,
  body: ItemBody | ((existing: JsonItem) => ItemBody),
  action: string,
): Promise<Reply> {
  const key = itemKey(deps, id);
  const target: Target = { key, text: keyText(key[deps.schema.partitionKey.name]!), scope: readScope(ctx.counting) };
  // A body as sent is checked once, before the item is read; a computed one on what each attempt read.
  const given = typeof body === 'function' ? body : checkedUpdate(deps, target, body);
  return withRetries(deps, target.text, async () => {
    const stored = await visibleStored(deps, ctx, target.key, target.text);
    checkIfMatch(ctx, stored);
    const existing = visibleJson(stored, target.scope.hidden);
    const update = typeof given === 'function' ? checkedUpdate(deps, target, given(existing)) : given;
    const { post, changed } = applyChanges(stored, update.changes);
    checkRowUpdatable(ctx, stored, post, changed);
    await checkUpdateRules(deps, ctx, stored, existing, update);
    if (changed.length === 0) return unchanged(deps, ctx, action, target, stored, update);
    return commitUpdate(deps, ctx, action, target, { stored, post, changed, update });
  });
}

/** The body's checks: the partition key unchanged, key types, and no field the caller cannot see. */
function checkedUpdate(deps: Deps, target: Target, made: ItemBody): Update {
  const pk = deps.schema.partitionKey.name;
  const sentKey = made.values[pk];
  if (sentKey !== undefined && (sentKey === null || !valuesEqual(sentKey, target.key[pk]!))) {
    throw invalidBody(`${pk}: the partition key cannot be changed`, { field: pk });
  }
  checkKeyTypes(deps, made.values);
  // A body naming a field the caller cannot see is 403 even when unchanged: no write may probe a hidden value.
  checkVisible(Object.keys(made.values), target.scope.hidden, 'field');
  const changes = { ...made.values };
  delete changes[pk];
  return { made, changes };
}

/** Some counting role must allow this change of this row (403 naming the fields no role may update). */
function checkRowUpdatable(ctx: Ctx, stored: Item, post: Item, changed: readonly string[]): void {
  if (rolesAllowingUpdate(ctx.counting, stored, post, changed).length > 0) return;
  const fields = fieldsNoRoleMayUpdate(ctx.counting, changed);
  throw forbidden(
    fields.length > 0 ? `Not permitted to update: ${fields.join(', ')}` : 'No role of the caller may make this change',
    fields.length > 0 ? { fields } : undefined,
  );
}

/** The app's field validation, then its update condition (400). */
async function checkUpdateRules(deps: Deps, ctx: Ctx, stored: Item, existing: JsonItem, update: Update) {
  const body = jsonItem(update.changes);
  await validateBody({
    validators: deps.app.fieldValidation,
    requiredFields: deps.app.requiredFields,
    body,
    create: false,
    existing,
  });
  await checkCondition(deps.app.updateCondition, stored, existing, body, ctx.caller, deps.app.conditionFailureMessage);
}

/** Nothing changes: no new version and no history entry; the call is still audited. */
async function unchanged(deps: Deps, ctx: Ctx, action: string, target: Target, stored: Item, update: Update) {
  const about = { resource: target.key, resourceKey: target.text };
  await auditRead(deps, ctx, action, about, auditBody(update.made));
  return { status: 200, headers: { ETag: etagOf(stored) }, body: visibleJson(stored, target.scope.hidden) };
}

/** The next version, written on the condition that the stored one is still current, with its audit record. */
async function commitUpdate(
  deps: Deps,
  ctx: Ctx,
  action: string,
  target: Target,
  { stored, post, changed, update }: { stored: Item; post: Item; changed: string[]; update: Update },
): Promise<Reply> {
  const version = versionOf(stored);
  const next: Item = { ...post, [VERSION]: { N: String(version + 1) } };
  checkItemSize(next);
  const put = putItem(deps.schema.table, next, versionCondition(deps.schema.partitionKey.name, version));
  await commitChange(deps, ctx, put, {
    action,
    key: target.key,
    version: version + 1,
    item: next,
    changed,
    body: auditBody(update.made),
  });
  return { status: 200, headers: { ETag: etagOf(next) }, body: visibleJson(next, target.scope.hidden) };
}
