import { z } from 'zod';
import type { ConditionFn, JsonItem, Validator } from '../../../src/core/app';
import type { Caller } from '../../../src/core/caller';
import { ScoutrError } from '../../../src/core/errors';
import { checkCondition, validateBody } from '../../../src/core/validate';
import type { Item } from '../../../src/core/values';
import { answered } from '../../support/errors';

// Validators and conditions of the app config (docs/reference/app-config.md#validators).

const caller: Caller = { kind: 'oidc', id: 'u-1', username: 'ursula', groups: [] };

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

/** The 500 a broken validator or condition gives: nothing about it in the answer, the reason in the cause. */
function expectBroken(err: unknown, logged: string) {
  expect(err).toBeInstanceOf(ScoutrError);
  expect(answered(err)).toMatchObject({ code: 'INTERNAL', status: 500, expose: false, message: 'Internal error' });
  expect((err as ScoutrError).details).toBeUndefined();
  expect(String((err as Error).cause)).toContain(logged);
}

describe('validateBody', () => {
  const validators: Record<string, Validator> = {
    name: (v) => typeof v === 'string' && v.length > 0,
    price: (v) => ({ result: typeof v === 'number' && v >= 0, message: 'price must not be negative' }),
    code: async (v) => typeof v === 'string' && v.length === 3,
    status: z.enum(['available', 'sold'], { error: 'bad status' }),
  };
  const valid: JsonItem = { name: 'Rex', price: 1, code: 'ABC', status: 'sold', type: 'dog' };
  const run = (body: JsonItem, create: boolean, extra: Partial<Parameters<typeof validateBody>[0]> = {}) =>
    validateBody({ validators, requiredFields: ['type'], body, create, ...extra });

  it('accepts a body every validator accepts', async () => {
    await expect(run(valid, true)).resolves.toBeUndefined();
  });

  it('requires every validated and required field on create', async () => {
    const err = await failure(run({ name: 'Rex' }, true));
    expect(answered(err)).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      details: { price: 'required', code: 'required', status: 'required', type: 'required' },
    });
  });

  it('checks only the fields present on update', async () => {
    await expect(run({ name: 'Max' }, false)).resolves.toBeUndefined();
    await expect(run({}, false)).resolves.toBeUndefined();
  });

  it('refuses null for a validated or required field', async () => {
    const err = await failure(run({ name: null, type: null, other: null }, false));
    expect((err as ScoutrError).details).toEqual({ name: expect.any(String), type: expect.any(String) });
  });

  it('answers every failure at once, each with its message, naming only failing fields', async () => {
    const err = await failure(run({ ...valid, name: '', price: -1, code: 'x', status: 'lost' }, true));
    expect(answered(err)).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, expose: true });
    expect((err as ScoutrError).details).toEqual({
      name: 'invalid value',
      price: 'price must not be negative',
      code: 'invalid value',
      status: 'bad status',
    });
  });

  it('gives {result: false} without a message a default one', async () => {
    const err = await failure(
      validateBody({ validators: { a: () => ({ result: false }) }, requiredFields: [], body: { a: 1 }, create: false }),
    );
    expect((err as ScoutrError).details).toEqual({ a: 'invalid value' });
  });

  it('passes the value, the body and the existing item', async () => {
    const seen: unknown[] = [];
    const existing = { id: 'x', price: 5 };
    await validateBody({
      validators: {
        price: (value, item, existingItem) => {
          seen.push([value, item, existingItem]);
          return true;
        },
      },
      requiredFields: undefined,
      body: { price: 6, name: 'n' },
      create: false,
      existing,
    });
    expect(seen).toEqual([[6, { price: 6, name: 'n' }, existing]]);
  });

  it.each([
    {
      what: 'throws',
      v: (): boolean => {
        throw new Error('kaboom');
      },
    },
    { what: 'rejects', v: async (): Promise<boolean> => Promise.reject(new Error('kaboom')) },
    { what: 'returns a string', v: () => 'yes' as never },
    { what: 'returns undefined', v: () => undefined as never },
    { what: 'returns a truthy non-boolean result', v: () => ({ result: 1 }) as never },
    { what: 'returns an object without result', v: () => ({ ok: true }) as never },
  ])('is a 500 when a validator $what', async ({ v }) => {
    const err = await failure(
      validateBody({ validators: { f: v }, requiredFields: [], body: { f: 1 }, create: false }),
    );
    expectBroken(err, "validator for 'f'");
  });

  it('is a 500 when a validator breaks, even beside fields that fail', async () => {
    const err = await failure(
      validateBody({
        validators: { ok: () => false, bad: () => 'x' as never },
        requiredFields: [],
        body: { ok: 1, bad: 1 },
        create: false,
      }),
    );
    expect(answered(err)).toMatchObject({ code: 'INTERNAL', status: 500 });
  });
});

describe('checkCondition', () => {
  const target: Item = { status: { S: 'available' }, price: { N: '10' }, owner: { S: 'ursula' } };
  const run = (condition: Parameters<typeof checkCondition>[0], message?: string) =>
    checkCondition(condition, target, { status: 'available' }, { price: 3 }, caller, message);

  it.each([
    { what: 'no condition', condition: undefined },
    { what: 'one entry', condition: { field: 'status', value: 'available' } },
    {
      what: 'a list, AND-ed',
      condition: [
        { field: 'status', value: 'available' },
        { field: 'price', value: 10 },
      ],
    },
    { what: 'a number operator', condition: { field: 'price', operator: 'lt', value: 100 } },
    { what: 'an IN list', condition: { field: 'status', value: ['available', 'pending'] } },
    { what: 'exists false on an absent field', condition: { field: 'locked', operator: 'exists', value: false } },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
    { what: 'a caller placeholder', condition: { field: 'owner', value: '${user.username}' } },
    { what: 'a function returning true', condition: (() => true) as ConditionFn },
  ])('passes: $what', async ({ condition }) => {
    await expect(run(condition)).resolves.toBeUndefined();
  });

  it.each([
    { what: 'one entry', condition: { field: 'status', value: 'sold' } },
    {
      what: 'one entry of a list',
      condition: [
        { field: 'status', value: 'available' },
        { field: 'price', value: 11 },
      ],
    },
    { what: 'a number operator', condition: { field: 'price', operator: 'gt', value: 100 } },
    { what: 'a number compared as text', condition: { field: 'price', value: '10' } },
    { what: 'a function returning false', condition: (async () => false) as ConditionFn },
  ])('fails with 400 CONDITION_FAILED: $what', async ({ condition }) => {
    const err = await failure(run(condition));
    expect(answered(err)).toMatchObject({ code: 'CONDITION_FAILED', status: 400, message: 'Conditional check failed' });
  });

  it('answers the configured message', async () => {
    const err = await failure(run({ field: 'status', value: 'sold' }, 'Only sold pets'));
    expect(err).toMatchObject({ code: 'CONDITION_FAILED', message: 'Only sold pets' });
  });

  it('gives a function the existing item and the changes', async () => {
    const seen: unknown[] = [];
    await run((existing, changes) => {
      seen.push([existing, changes]);
      return true;
    });
    expect(seen).toEqual([[{ status: 'available' }, { price: 3 }]]);
  });

  it.each([
    {
      what: 'throws',
      condition: (() => {
        throw new Error('kaboom');
      }) as ConditionFn,
    },
    { what: 'returns a non-boolean', condition: (() => 'yes') as unknown as ConditionFn },
  ])('is a 500 when a function $what', async ({ condition }) => {
    expectBroken(await failure(run(condition)), 'condition');
  });
});
