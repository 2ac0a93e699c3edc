// Seed data for `npm start`: a few pets. The pet store's identities and their permissions are example/policy.yml,
// applied at seed time through the same code as `scoutr policy apply`. Plain JSON, as it is stored.

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
