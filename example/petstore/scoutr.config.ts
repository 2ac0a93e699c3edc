import { defineApp } from 'scoutr';
import * as z from 'zod/mini';

// The pet store (the Possum example's scenario): anyone may browse available pets, employees add them, the
// inventory manager adds and removes them, an auditor reads the audit log. docs/reference/app-config.md#the-module describes every field.
export default defineApp({
  routes: { items: 'items', item: 'item' },
  uniqueRoutes: {
    '/types': 'type',
    '/statuses': { field: 'status', transform: (values) => values.filter((v) => v !== 'archived') },
  },
  filterRoutes: ['/items/status/{status}'],
  generateId: true,
  requiredFields: ['type'],
  fieldValidation: {
    // a function returning a boolean
    name: (value) => typeof value === 'string' && value.trim().length > 0 && value.length <= 100,
    // a function returning {result, message}, looking at the rest of the item
    price: (value, item, existing) => {
      const ok = typeof value === 'number' && value >= 0 && value <= 100_000;
      const status = item.status ?? existing?.status;
      if (ok && status === 'available' && value === 0)
        return { result: false, message: 'an available pet needs a price' };
      return { result: ok, message: 'price must be a number from 0 to 100000' };
    },
    // a zod schema
    status: z.enum(['available', 'pending', 'sold']),
    type: z.enum(['dog', 'cat', 'bird', 'fish', 'rabbit']),
  },
  // A sold pet cannot be repriced.
  updateCondition: (existing, changes) => !(existing?.status === 'sold' && 'price' in changes),
  conditionFailureMessage: 'A sold pet cannot be changed this way',
  // A custom route: selling is an update under the update rules of the roles that permit POST /item/{id}/sell,
  // audited and versioned as SELL.
  customActions: {
    SELL: {
      method: 'POST',
      path: '/item/{id}/sell',
      run: async (ops, req) => {
        const body = ops.body() as { owner?: unknown } | undefined;
        const owner = typeof body?.owner === 'string' ? body.owner : undefined;
        return ops.update(req.pathParams.id, { status: 'sold', ...(owner ? { owner } : {}) });
      },
    },
  },
  // Lists by type (and price) and by status are Queries on these indexes, not Scans (docs/reference/query-language.md#planning).
  table: {
    name: 'pets',
    key: 'id',
    indexes: [
      { name: 'type-index', key: 'type', sortKey: { name: 'price', type: 'N' } },
      { name: 'status-index', key: 'status' },
    ],
  },
});
