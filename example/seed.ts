// Seed data for `npm start`: the identities of the pet store and a few pets. Plain JSON, as it is stored.

const catalog = [
  { method: 'GET', endpoint: '/items(/[^/]+/[^/]+)?' },
  { method: 'GET', endpoint: '/items/status/[^/]+' },
  { method: 'GET', endpoint: '/item/[^/]+' },
  { method: 'GET', endpoint: '/types|/statuses' },
  { method: 'POST', endpoint: '/search/[^/]+' },
];

export const groups = [
  { group_id: 'catalog-read', description: 'browse and search pets', permitted_endpoints: catalog },
  {
    group_id: 'available-only',
    description: 'sees only pets that are for sale',
    read_filters: [{ field: 'status', value: 'available' }],
  },
  { group_id: 'hide-cost', description: 'never sees what a pet cost us', exclude_fields: ['cost', 'supplier.contact'] },
  {
    group_id: 'staff',
    description: 'employees: browse everything and add pets',
    groups: ['catalog-read'],
    permitted_endpoints: [{ method: 'POST', endpoint: '/item' }],
    create_filters: [{ field: 'status', operator: 'in', value: ['available', 'pending'] }],
  },
  {
    group_id: 'inventory',
    description: 'the inventory manager service: add, change and remove pets',
    groups: ['staff'],
    permitted_endpoints: [
      { method: 'PUT', endpoint: '/item/[^/]+' },
      { method: 'PATCH', endpoint: '/item/[^/]+' },
      { method: 'DELETE', endpoint: '/item/[^/]+' },
      { method: 'POST', endpoint: '/item/[^/]+/sell' },
    ],
    update_fields_restricted: ['id'],
  },
  {
    group_id: 'audit-read',
    description: 'reads the audit log and item history',
    permitted_endpoints: [
      { method: 'GET', endpoint: '/audit(/[^/]+)?' },
      { method: 'GET', endpoint: '/history/[^/]+' },
    ],
  },
  {
    group_id: 'admin',
    description: 'everything',
    permitted_endpoints: [{ method: '*', endpoint: '.*' }],
    explain: true,
  },
];

export const authRecords = [
  {
    id: 'public-key',
    type: 'API_KEY',
    name: 'Pet store website',
    username: 'website',
    email: 'web@petstore.example',
    groups: ['catalog-read', 'available-only', 'hide-cost'],
  },
  {
    id: 'inventory-key',
    type: 'API_KEY',
    name: 'Inventory manager',
    username: 'inventory-manager',
    groups: ['inventory'],
  },
  { id: 'admin-key', type: 'API_KEY', name: 'Administrator', username: 'admin', groups: ['admin'] },
  { id: 'alice', type: 'USERNAME', name: 'Alice Employee', groups: ['staff', 'hide-cost'] },
  { id: 'audrey', type: 'USERNAME', name: 'Audrey Auditor', groups: ['catalog-read', 'audit-read'] },
  {
    id: 'owen',
    type: 'USERNAME',
    name: 'Owen Owner',
    description: 'a customer: sees and renames only his own pets',
    permitted_endpoints: [
      { method: 'GET', endpoint: '/items|/item/[^/]+' },
      { method: 'PATCH', endpoint: '/item/[^/]+' },
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
    read_filters: [{ field: 'owner', value: '${user.username}' }],
    update_fields_permitted: ['name', 'notes'],
    exclude_fields: ['cost', 'supplier'],
  },
  {
    id: 'vets',
    type: 'OIDC_GROUP',
    name: 'Veterinarians',
    groups: ['catalog-read'],
    permitted_endpoints: [{ method: 'PATCH', endpoint: '/item/[^/]+' }],
    update_fields_permitted: ['notes', 'status'],
    update_filters: [{ field: 'type', operator: 'in', value: ['dog', 'cat', 'rabbit'] }],
    exclude_fields: ['cost'],
  },
];

const pet = (
  id: string,
  name: string,
  type: string,
  status: string,
  price: number,
  cost: number,
  extra: Record<string, unknown> = {},
) => ({
  id,
  name,
  type,
  status,
  price,
  cost,
  supplier: { name: 'Happy Farms', contact: 'farm@example.com' },
  ...extra,
});

export const items = [
  pet('p-1', 'Rex', 'dog', 'available', 450, 200, { tags: ['friendly', 'trained'] }),
  pet('p-2', 'Whiskers', 'cat', 'available', 120, 40, { tags: ['indoor'] }),
  pet('p-3', 'Tweety', 'bird', 'pending', 35, 10),
  pet('p-4', 'Nemo', 'fish', 'available', 8, 2),
  pet('p-5', 'Buddy', 'dog', 'sold', 500, 230, { owner: 'owen', notes: 'loves the park' }),
  pet('p-6', 'Luna', 'cat', 'sold', 150, 60, { owner: 'owen' }),
  pet('p-7', 'Thumper', 'rabbit', 'available', 60, 25),
  pet('p-8', 'Goldie', 'fish', 'pending', 6, 1),
];

/** The identities `npm start` prints curl commands for: [label, curl headers]. */
export const identities: Array<[string, string]> = [
  ['public reader (API key; available pets only, no cost)', "-H 'x-api-key: public-key'"],
  ['employee alice (OIDC user; may add pets)', "-H 'Oidc-Claim-Sub: alice'"],
  ['inventory manager (API key; add, change, remove)', "-H 'x-api-key: inventory-key'"],
  ['auditor audrey (OIDC user; audit log and history)', "-H 'Oidc-Claim-Sub: audrey'"],
  ['admin (API key; everything, _explain)', "-H 'x-api-key: admin-key'"],
  ['vet (OIDC group vets)', "-H 'Oidc-Claim-Sub: vera' -H 'Oidc-Claim-Groups: vets'"],
  ['owner owen (sees only his pets)', "-H 'Oidc-Claim-Sub: owen'"],
];
