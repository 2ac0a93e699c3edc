import type { JsonItem, StandardSchema, Validator, WriteCondition } from './app';
import type { Caller } from './caller';
import { ScoutrError } from './errors';
import { matches } from './filter/evaluate';
import { type JsonOut, plainToJson } from './json';
import { entriesToPred } from './permissions/filters';
import type { Item } from './values';

const isStandard = (v: Validator): v is StandardSchema =>
  typeof v === 'object' && v !== null && '~standard' in v && typeof v['~standard']?.validate === 'function';

const broken = (field: string, cause: unknown) =>
  new ScoutrError('INTERNAL', 'Internal error', {
    cause: new Error(`validator for '${field}' failed`, { cause }),
  });

async function runValidator(
  field: string,
  v: Validator,
  value: JsonOut,
  item: JsonItem,
  existing: JsonItem | undefined,
) {
  try {
    if (isStandard(v)) {
      const out = await v['~standard'].validate(value);
      return out.issues && out.issues.length > 0
        ? { ok: false, message: out.issues.map((i) => i.message).join('; ') }
        : { ok: true, message: '' };
    }
    const out = await v(value, item, existing);
    if (typeof out === 'boolean') return { ok: out, message: 'invalid value' };
    if (out && typeof out === 'object' && 'result' in out) {
      // Python Scoutr allowed truthy results (a regex match); here it must be a boolean, or it is a broken validator.
      if (typeof out.result !== 'boolean') throw new Error('result is not a boolean');
      return { ok: out.result, message: typeof out.message === 'string' ? out.message : 'invalid value' };
    }
    throw new Error('returned neither a boolean nor {result, message}');
  } catch (err) {
    throw broken(field, err);
  }
}

interface ValidationInput {
  validators: Readonly<Record<string, Validator>> | undefined;
  requiredFields: readonly string[] | undefined;
  /** the request body as JSON (null: the field is removed) */
  body: JsonItem;
  /** create: every validated and required field must be present */
  create: boolean;
  /** update: the stored item without the caller's hidden fields */
  existing?: JsonItem | undefined;
}

/** docs/reference/app-config.md#validators: every failure is returned at once, as 400 VALIDATION_FAILED naming only failing fields. */
export async function validateBody(input: ValidationInput): Promise<void> {
  const failures: Record<string, string> = {};
  const validators = input.validators ?? {};
  if (input.create) {
    for (const f of new Set([...Object.keys(validators), ...(input.requiredFields ?? [])])) {
      if (!Object.hasOwn(input.body, f)) failures[f] = 'required';
    }
  }
  for (const f of new Set([...Object.keys(validators), ...(input.requiredFields ?? [])])) {
    if (Object.hasOwn(input.body, f) && input.body[f] === null) failures[f] = 'may not be null or removed';
  }
  const checks = Object.entries(validators)
    .filter(([f]) => Object.hasOwn(input.body, f) && input.body[f] !== null && !failures[f])
    .map(async ([f, v]) => {
      const out = await runValidator(f, v, input.body[f]!, input.body, input.existing);
      if (!out.ok) failures[f] = out.message;
    });
  await Promise.all(checks);
  if (Object.keys(failures).length > 0) {
    throw new ScoutrError('VALIDATION_FAILED', 'Validation failed', { details: failures });
  }
}

/**
 * docs/reference/app-config.md#conditions: filter entries on `target` (the stored item; for a create the new item), or a function
 * (existingItem, changes). False → 400 CONDITION_FAILED with the configured message.
 */
export async function checkCondition(
  condition: WriteCondition | undefined,
  target: Item,
  existing: JsonItem | undefined,
  changes: JsonItem,
  caller: Caller,
  message = 'Conditional check failed',
): Promise<void> {
  if (condition === undefined) return;
  let ok: unknown;
  if (typeof condition === 'function') {
    try {
      ok = await condition(existing, changes);
    } catch (err) {
      throw broken('condition', err);
    }
    if (typeof ok !== 'boolean') throw broken('condition', new Error('a condition must return a boolean'));
  } else {
    // Entries in code carry JS numbers; record values (which entriesToPred reads) keep theirs as exact JsonNumbers.
    const entries = (Array.isArray(condition) ? condition : [condition]).map((e) => ({
      ...e,
      value: plainToJson(e.value),
    }));
    ok = matches(entriesToPred(entries, caller, 'app condition'), target);
  }
  if (!ok) throw new ScoutrError('CONDITION_FAILED', message);
}
