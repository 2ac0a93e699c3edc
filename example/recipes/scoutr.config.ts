import { defineApp } from 'scoutr';

// Recipes shared one by one (deathnut's demo, docs/tutorials/recipes.md): a recipe's creator owns it and may share it with a
// friend to view or to edit, and revoke that again; "the recipes I may view" is one list. The permissions that
// use these item roles are the `member` ROLE record in policy.yml, given to every signed-in user by DEFAULT_ROLE.
export default defineApp({
  routes: { items: 'recipes', item: 'recipe' },
  generateId: true,
  requiredFields: ['title'],
  fieldValidation: {
    title: (value) => typeof value === 'string' && value.trim().length > 0 && value.length <= 200,
    ingredients: (value) => Array.isArray(value) && value.every((i) => typeof i === 'string'),
  },
  itemRoles: {
    roles: ['own', 'edit', 'view'],
    creator: ['own', 'edit', 'view'],
    grants: [
      { requires: 'own', grants: ['own', 'edit', 'view'] },
      { requires: 'edit', grants: ['view'] },
    ],
  },
  table: { name: 'recipes', key: 'id' },
  // Every signed-in user is a member (policy.yml): they may create recipes and use the ones shared with them.
  defaultRole: 'member',
});
