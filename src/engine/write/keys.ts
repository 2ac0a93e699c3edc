import { invalidBody, ScoutrError } from '../../core/errors';
import { keyTypes, MAX_SORT_KEY_BYTES } from '../../core/schema';
import { type AttributeValue, typeOf } from '../../core/values';
import type { Deps } from '../context';

// The write pipeline's key checks: what DynamoDB would refuse with a ValidationException is refused as the caller's.

/**
 * Key and index-key attributes must have the type the key schema gives, be non-empty and within DynamoDB's key size
 * limits: DynamoDB would reject the write with a ValidationException.
 */
export function checkKeyTypes(deps: Deps, values: Record<string, AttributeValue | null>): void {
  for (const [name, { type, maxBytes }] of keyTypes(deps.schema)) {
    const v = values[name];
    if (v === undefined || v === null) continue;
    const bytes = 'S' in v ? Buffer.byteLength(v.S) : 'B' in v ? v.B.byteLength : undefined;
    if (typeOf(v) !== type || bytes === 0) {
      const kind = type === 'N' ? 'number' : type === 'B' ? 'binary' : 'string';
      throw invalidBody(`${name}: a key attribute must be a non-empty ${kind}`, { field: name });
    }
    if (bytes !== undefined && bytes > maxBytes) {
      throw invalidBody(`${name}: a key attribute is at most ${maxBytes} bytes (this one is ${bytes})`, {
        field: name,
      });
    }
  }
}

/**
 * In an app with item roles, an item's canonical key is the sort key of its grants rows (docs/reference/item-roles.md#storage-and-atomicity), which DynamoDB
 * limits to 1,024 bytes: a longer key could never be granted, so it is refused before anything is written.
 */
export function checkGrantsKey(deps: Deps, keyTextValue: string, field: string, param = false): void {
  if (!deps.tables.grants) return;
  const bytes = Buffer.byteLength(keyTextValue);
  if (bytes <= MAX_SORT_KEY_BYTES) return;
  const message = `${field}: with item roles a key is at most ${MAX_SORT_KEY_BYTES} bytes (this one is ${bytes})`;
  throw param
    ? new ScoutrError('INVALID_QUERY', message, { details: { param: field } })
    : invalidBody(message, { field });
}
