import { keyTypes, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES, type TableSchema } from '../../../src/core/schema';

const index = (name: string, pk: string, sk?: string) => ({
  name,
  partitionKey: { name: pk, type: 'S' as const },
  sortKey: sk ? { name: sk, type: 'S' as const } : undefined,
  projectsAll: true,
});

describe('keyTypes', () => {
  it('gives each key attribute its type and DynamoDB size limit: 2048 bytes a partition key, 1024 a sort key', () => {
    const schema: TableSchema = {
      table: 't',
      partitionKey: { name: 'id', type: 'N' },
      indexes: [index('a', 'status'), index('b', 'owner', 'name')],
    };
    expect(Object.fromEntries(keyTypes(schema))).toEqual({
      id: { type: 'N', maxBytes: MAX_PARTITION_KEY_BYTES },
      status: { type: 'S', maxBytes: MAX_PARTITION_KEY_BYTES },
      owner: { type: 'S', maxBytes: MAX_PARTITION_KEY_BYTES },
      name: { type: 'S', maxBytes: MAX_SORT_KEY_BYTES },
    });
  });

  it("holds an attribute that is one index's partition key and another's sort key to the sort key's limit", () => {
    for (const indexes of [
      [index('a', 'x'), index('b', 'y', 'x')],
      [index('b', 'y', 'x'), index('a', 'x')],
    ]) {
      const schema: TableSchema = { table: 't', partitionKey: { name: 'id', type: 'S' }, indexes };
      expect(keyTypes(schema).get('x')).toEqual({ type: 'S', maxBytes: MAX_SORT_KEY_BYTES });
    }
  });

  it("holds the table's partition key, if also an index's sort key, to the sort key's limit", () => {
    const schema: TableSchema = {
      table: 't',
      partitionKey: { name: 'id', type: 'S' },
      indexes: [index('d', 'day', 'id')],
    };
    expect(keyTypes(schema).get('id')?.maxBytes).toBe(MAX_SORT_KEY_BYTES);
  });
});
