import { forbidden, invalidBody } from '../core/errors';
import { checkVisible, readScope, visibleJson } from '../core/permissions/access';
import { checkCondition, validateBody } from '../core/validate';
import { type Item, keyText, valuesEqual } from '../core/values';
import { applyChanges, fieldsNoRoleMayUpdate, rolesAllowingUpdate, VERSION, versionOf } from '../core/write';
import { putItem, versionCondition } from '../dynamo/write';
import type { Ctx, Deps, Reply } from './context';
import { itemKey } from './get';
import { etagOf } from './page';
import { auditRead } from './reads';
import {
  auditBody,
  checkIfMatch,
  checkItemSize,
  checkKeyTypes,
  commitChange,
  type ItemBody,
  jsonItem,
  parseItemBody,
  visibleStored,
  withRetries,
} from './write';

/** PUT and PATCH /item/{id}: a partial update; `null` removes an attribute (SPEC.md §5). */
export async function update(deps: Deps, ctx: Ctx): Promise<Reply> {
  return updateItem(deps, ctx, ctx.req.pathParams.id, parseItemBody(ctx.req.body, 'update'), 'UPDATE');
}

export async function updateItem(
  deps: Deps,
  ctx: Ctx,
  id: string | undefined,
  body: ItemBody,
  action: string,
): Promise<Reply> {
  const pk = deps.schema.partitionKey;
  const key = itemKey(deps, id);
  const sentKey = body.values[pk.name];
  if (sentKey !== undefined && (sentKey === null || !valuesEqual(sentKey, key[pk.name]!))) {
    throw invalidBody(`${pk.name}: the partition key cannot be changed`, { field: pk.name });
  }
  checkKeyTypes(deps, body.values);
  const scope = readScope(ctx.counting);
  // A body naming a field the caller cannot see is 403 even when unchanged: no write may probe a hidden value.
  checkVisible(Object.keys(body.values), scope.hidden, 'field');
  const changes = { ...body.values };
  delete changes[pk.name];
  const text = keyText(key[pk.name]!);
  return withRetries(deps, text, async () => {
    const stored = await visibleStored(deps, ctx, key, text);
    checkIfMatch(ctx, stored);
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
    const existing = visibleJson(stored, scope.hidden);
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
      await auditRead(deps, ctx, action, { resource: key, resourceKey: text }, auditBody(body));
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
      body: auditBody(body),
    });
    return { status: 200, headers: { ETag: etagOf(next) }, body: visibleJson(next, scope.hidden) };
  });
}
