import { defineApp } from '../../src';

// A library's books (issue 19 §6): members borrow a book nobody has borrowed, through a custom action that runs an
// update. Used by the CLI tests as an app module (--app), and by the harness as the app config.
export default defineApp({
  routes: { items: 'books', item: 'book' },
  customActions: {
    BORROW: {
      method: 'POST',
      path: '/book/{id}/borrow',
      runs: 'update',
      run: async (ops, req) => ops.update(req.pathParams.id, { borrower: req.caller.id ?? null }),
    },
  },
});
