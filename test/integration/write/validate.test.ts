import { z } from 'zod';
import type { AppConfig, JsonItem } from '../../../src/core/app';
import { as } from '../../support/harness';
import { storedItem, writeTests } from './support';

// Validators and conditions of the app config (docs/reference/app-config.md#validators) through the local server: what they see, how their
// failures are answered, and that a failed request writes nothing.

jest.setTimeout(30_000);

/** What the probe validator was given, call by call. */
const seen: Array<{ value: unknown; item: JsonItem; existing: JsonItem | undefined }> = [];

const app: AppConfig = {
  fieldValidation: {
    // a function returning a boolean
    name: (value) => typeof value === 'string' && value.length > 0,
    // a function returning {result, message}
    price: (value) => ({ result: typeof value === 'number' && value >= 0, message: 'price must not be negative' }),
    // an async function
    code: async (value) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
    },
    // a zod schema
    status: z.enum(['available', 'sold'], { error: 'status must be available or sold' }),
    // a function that records its arguments, and misbehaves on request
    probe: (value, item, existing) => {
      seen.push({ value, item, existing });
      if (value === 'throw') throw new Error('validator exploded near secret-db-password');
      if (value === 'garbage') return 'yes' as never;
      if (value === 'result-garbage') return { result: 'yes' } as never;
      if (value === 'reject') return Promise.reject(new Error('async secret-db-password'));
      return true;
    },
  },
  requiredFields: ['type'],
  createCondition: [
    { field: 'status', operator: 'ne', value: 'sold' },
    { field: 'price', operator: 'lt', value: 1000 },
  ],
  updateCondition: (existing, changes) => {
    if ('explode' in changes) throw new Error('condition exploded near secret-db-password');
    return !(existing?.status === 'sold' && 'price' in changes);
  },
  conditionFailureMessage: 'The item does not meet the conditions',
};

const valid = { type: 'dog', name: 'Rex', price: 10, code: 'ABC', status: 'available', probe: 'ok' };

const { h, expectNothingWritten } = writeTests({
  app,
  seed: {
    items: [
      { id: 'v-1', ...valid, cost: 5 },
      { id: 'v-2', ...valid, cost: 5 },
      { id: 'sold', ...valid, status: 'sold', cost: 5 },
    ],
    authRecords: [
      { id: 'admin', type: 'API_KEY', permitted_endpoints: [{ method: '*', endpoint: '.*' }] },
      {
        id: 'hider',
        type: 'API_KEY',
        permitted_endpoints: [
          { method: 'POST', endpoint: '/item' },
          { method: 'PATCH', endpoint: '/item/[^/]+' },
        ],
        exclude_fields: ['cost'],
      },
    ],
  },
});

const create = (body: unknown, who = 'admin') => h.request('POST', '/item', { headers: as.key(who), body });
const patch = (id: string, body: unknown, who = 'admin') =>
  h.request('PATCH', `/item/${id}`, { headers: as.key(who), body });

describe('on create', () => {
  it('accepts an item every validator accepts', async () => {
    const res = await create({ id: 'c-ok', ...valid });
    expect(res.status).toBe(201);
  });

  it('requires every validated field and every required field, naming only the missing ones', async () => {
    await expectNothingWritten(async () => {
      const res = await create({ id: 'c-1', name: 'Rex', price: 1 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'Validation failed',
        code: 'VALIDATION_FAILED',
        details: { code: 'required', status: 'required', probe: 'required', type: 'required' },
      });
    });
  });

  it('answers every failure at once, each with its message, and names no passing field', async () => {
    await expectNothingWritten(async () => {
      const res = await create({ id: 'c-2', ...valid, name: '', price: -1, code: 'abc', status: 'lost' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'Validation failed',
        code: 'VALIDATION_FAILED',
        details: {
          name: expect.any(String),
          price: 'price must not be negative',
          code: expect.any(String),
          status: 'status must be available or sold',
        },
      });
    });
  });

  it('refuses null for a field', async () => {
    await expectNothingWritten(async () => {
      expect((await create({ id: 'c-3', ...valid, name: null })).status).toBe(400);
    });
  });

  it('gives a validator the value and the whole body, and no existing item', async () => {
    seen.length = 0;
    expect((await create({ id: 'c-probe', ...valid })).status).toBe(201);
    expect(seen).toEqual([{ value: 'ok', item: { id: 'c-probe', ...valid }, existing: undefined }]);
  });

  it.each([
    { what: 'filter entry on a string', body: { status: 'sold' } },
    { what: 'filter entry on a number', body: { price: 5000 } },
  ])('answers 400 CONDITION_FAILED when createCondition fails ($what)', async ({ body }) => {
    await expectNothingWritten(async () => {
      const res = await create({ id: 'c-cond', ...valid, ...body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'The item does not meet the conditions', code: 'CONDITION_FAILED' });
    });
  });

  it('checks validators before the condition', async () => {
    await expectNothingWritten(async () => {
      const res = await create({ id: 'c-order', ...valid, status: 'sold', price: -5 });
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { price: 'price must not be negative' } });
    });
  });

  it.each([
    { what: 'validation', body: { name: '' }, code: 'VALIDATION_FAILED' },
    { what: 'the condition', body: { status: 'sold' }, code: 'CONDITION_FAILED' },
  ])('checks $what before the existing key (409)', async ({ body, code }) => {
    await expectNothingWritten(async () => {
      const res = await create({ id: 'v-1', ...valid, ...body });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code });
    });
  });

  it('checks fields the caller may not write before validators', async () => {
    await expectNothingWritten(async () => {
      const res = await create({ id: 'c-hidden', ...valid, name: '', cost: 1 }, 'hider');
      expect(res.status).toBe(403);
    });
  });
});

describe('on update', () => {
  it('checks only the fields present', async () => {
    seen.length = 0;
    const res = await patch('v-1', { name: 'Max' });
    expect(res.status).toBe(200);
    expect(seen).toEqual([]); // the probe was not in the body
  });

  it('answers every failing present field at once', async () => {
    await expectNothingWritten(async () => {
      const res = await patch('v-1', { name: '', price: -1, code: 'ABC' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'Validation failed',
        code: 'VALIDATION_FAILED',
        details: { name: expect.any(String), price: 'price must not be negative' },
      });
    });
  });

  it.each(['name', 'type'])('refuses removing the validated or required field %s', async (field) => {
    await expectNothingWritten(async () => {
      const res = await patch('v-1', { [field]: null });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { [field]: expect.any(String) } });
    });
  });

  it('gives a validator the body and the stored item without the caller’s hidden fields', async () => {
    seen.length = 0;
    expect((await patch('v-2', { probe: 'ok', name: 'Hidden from cost' }, 'hider')).status).toBe(200);
    expect(seen).toHaveLength(1);
    const { value, item, existing } = seen[0]!;
    expect(value).toBe('ok');
    expect(item).toEqual({ probe: 'ok', name: 'Hidden from cost' });
    expect(existing).toEqual({ id: 'v-2', ...valid });
    expect(existing).not.toHaveProperty('cost');
    expect(existing).not.toHaveProperty('_version');
    // a caller without hidden fields sees them all
    seen.length = 0;
    expect((await patch('v-2', { probe: 'ok', name: 'Admin' })).status).toBe(200);
    expect(seen[0]?.existing).toEqual({ id: 'v-2', ...valid, name: 'Hidden from cost', cost: 5 });
  });

  it('answers 400 CONDITION_FAILED when the updateCondition function refuses', async () => {
    await expectNothingWritten(async () => {
      const res = await patch('sold', { price: 20 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'The item does not meet the conditions', code: 'CONDITION_FAILED' });
    });
    expect((await patch('sold', { name: 'still sold' })).status).toBe(200);
  });
});

describe('a broken validator or condition is a 500 that leaks nothing', () => {
  it.each([
    { what: 'a validator that throws', body: { probe: 'throw' } },
    { what: 'a validator returning neither boolean nor {result, message}', body: { probe: 'garbage' } },
    { what: 'a validator returning a non-boolean result', body: { probe: 'result-garbage' } },
    { what: 'an async validator that rejects', body: { probe: 'reject' } },
    { what: 'a condition that throws', body: { explode: 1 } },
  ])('$what', async ({ body }) => {
    await expectNothingWritten(async () => {
      const res = await patch('v-1', body);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'Internal error', code: 'INTERNAL' });
    });
  });

  it('on create as well', async () => {
    await expectNothingWritten(async () => {
      const res = await create({ id: 'c-broken', ...valid, probe: 'throw' });
      expect(res.status).toBe(500);
      expect(res.text).not.toContain('secret');
      expect(await storedItem(h, 'c-broken')).toBeUndefined();
    });
  });
});
