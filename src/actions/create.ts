import { conflict, forbidden, invalidBody } from '../core/errors';
import { checkVisible, readScope, visibleJson } from '../core/permissions/access';
import { checkCondition, validateBody } from '../core/validate';
import { type AttributeValue, type Item, keyText } from '../core/values';
import { initialVersion, rolesAllowingCreate, VERSION } from '../core/write';
import { putItem } from '../dynamo/write';
import type { Ctx, Deps, Reply } from './context';
import { etagOf } from './page';
import {
  auditBody,
  checkItemBody,
  checkItemSize,
  checkKeyTypes,
  commitChange,
  type ItemBody,
  jsonItem,
  parseItemBody,
  withRetries,
} from './write';

/** A time-ordered unique id: milliseconds in base 36 (fixed width, so ids sort by time), then random text. */
export const generatedId = (now: number, nonce: string) => `${now.toString(36).padStart(9, '0')}-${nonce}`;

/** POST /item (SPEC.md §3, §5): 201 with the item as the caller may see it; 409 if the key exists. */
export async function create(deps: Deps, ctx: Ctx): Promise<Reply> {
  return createItem(deps, ctx, parseItemBody(ctx.req.body, 'create'), 'CREATE');
}

export async function createItem(deps: Deps, ctx: Ctx, body: ItemBody, action: string): Promise<Reply> {
  const pk = deps.schema.partitionKey;
  const values = { ...body.values } as Record<string, AttributeValue>;
  if (values[pk.name] === undefined) {
    if (!deps.app.generateId || pk.type !== 'S')
      throw invalidBody(`${pk.name}: the partition key is required`, { field: pk.name });
    values[pk.name] = { S: generatedId(deps.now(), deps.nonce()) };
  }
  checkKeyTypes(deps, values);
  const scope = readScope(ctx.counting);
  checkVisible(Object.keys(body.values), scope.hidden, 'field');
  const item: Item = values;
  const allowing = rolesAllowingCreate(ctx.counting, item);
  if (allowing.length === 0) throw forbidden('No role of the caller may create this item');
  const json = jsonItem(values);
  await validateBody({
    validators: deps.app.fieldValidation,
    requiredFields: deps.app.requiredFields,
    body: json,
    create: true,
  });
  await checkCondition(deps.app.createCondition, item, undefined, json, ctx.caller, deps.app.conditionFailureMessage);
  const version = initialVersion(deps.now(), deps.nonce());
  const stored: Item = { ...item, [VERSION]: { N: String(version) } };
  checkItemSize(stored);
  const key: Item = { [pk.name]: values[pk.name]! };
  const change = putItem(deps.schema.table, stored, {
    ConditionExpression: 'attribute_not_exists(#k)',
    ExpressionAttributeNames: { '#k': pk.name },
  });
  await withRetries(
    () =>
      commitChange(deps, ctx, change, {
        action,
        key,
        version,
        item: stored,
        changed: Object.keys(item),
        body: auditBody(body),
      }),
    () => conflict(`An item with ${pk.name} ${keyText(key[pk.name]!)} already exists`),
  );
  return { status: 201, headers: { ETag: etagOf(stored) }, body: visibleJson(stored, scope.hidden) };
}

export { checkItemBody };
