import type { JsonItem } from '../core/app';
import { forbidden, invalidBody } from '../core/errors';
import { checkVisible, readScope, visibleJson } from '../core/permissions/access';
import { checkCondition, validateBody } from '../core/validate';
import { type Item, keyText, valuesEqual } from '../core/values';
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

/**
 * The update of one item: `body`, or a function of the stored item as the caller may see it (a custom action's
 * change computed from the item), called again on each attempt with what that attempt read.
 */
export async function updateItem(
  deps: Deps,
  ctx: Ctx,
  id: string | undefined,
  body: ItemBody | ((existing: JsonItem) => ItemBody),
  action: string,
): Promise<Reply> {
  const pk = deps.schema.partitionKey;
  const key = itemKey(deps, id);
  const scope = readScope(ctx.counting);
  const changesOf = (b: ItemBody) => {
    const sentKey = b.values[pk.name];
    if (sentKey !== undefined && (sentKey === null || !valuesEqual(sentKey, key[pk.name]!))) {
      throw invalidBody(`${pk.name}: the partition key cannot be changed`, { field: pk.name });
    }
    checkKeyTypes(deps, b.values);
    // A body naming a field the caller cannot see is 403 even when unchanged: no write may probe a hidden value.
    checkVisible(Object.keys(b.values), scope.hidden, 'field');
    const changes = { ...b.values };
    delete changes[pk.name];
    return changes;
  };
  const decide = (made: ItemBody) => ({ made, changes: changesOf(made) });
  // A body as sent is checked once, before the item is read; a computed one on what each attempt read.
  const given = typeof body === 'function' ? body : decide(body);
  const text = keyText(key[pk.name]!);
  return withRetries(deps, text, async () => {
    const stored = await visibleStored(deps, ctx, key, text);
    checkIfMatch(ctx, stored);
    const existing = visibleJson(stored, scope.hidden);
    const { made, changes } = typeof given === 'function' ? decide(given(existing)) : given;
    const { post, changed } = applyChanges(stored, changes);
    if (rolesAllowingUpdate(ctx.counting, stored, post, changed).length === 0) {
      const fields = fieldsNoRoleMayUpdate(ctx.counting, changed);
      throw forbidden(
        fields.length > 0
          ? `Not permitted to update: ${fields.join(', ')}`
          : 'No role of the caller may make this change',
        fields.length > 0 ? { fields } : undefined,
      );
    }
    await validateBody({
      validators: deps.app.fieldValidation,
      requiredFields: deps.app.requiredFields,
      body: jsonItem(changes),
      create: false,
      existing,
    });
    await checkCondition(
      deps.app.updateCondition,
      stored,
      existing,
      jsonItem(changes),
      ctx.caller,
      deps.app.conditionFailureMessage,
    );
    if (changed.length === 0) {
      // Nothing changes: no new version and no history entry; the call is still audited.
      await auditRead(deps, ctx, action, { resource: key, resourceKey: text }, auditBody(made));
      return { status: 200, headers: { ETag: etagOf(stored) }, body: visibleJson(stored, scope.hidden) };
    }
    const version = versionOf(stored);
    const next: Item = { ...post, [VERSION]: { N: String(version + 1) } };
    checkItemSize(next);
    await commitChange(deps, ctx, putItem(deps.schema.table, next, versionCondition(pk.name, version)), {
      action,
      key,
      version: version + 1,
      item: next,
      changed,
      body: auditBody(made),
    });
    return { status: 200, headers: { ETag: etagOf(next) }, body: visibleJson(next, scope.hidden) };
  });
}
