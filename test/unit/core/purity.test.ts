import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// docs/explanation/architecture.md#layout: core ← dynamo ← engine ← actions ← http ← handlers. Time and ids are
// arguments of core, never read by it.
const IMPURE =
  /@aws-sdk|@sentry|\/(dynamo|engine|actions|http|local)['/]|process\.env|Date\.now\(|new Date\(\)|randomUUID/;

it('keeps src/core free of I/O, env and clocks', () => {
  const files = readdirSync('src/core', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(10);
  expect(files.filter((f) => IMPURE.test(readFileSync(join('src/core', f), 'utf8')))).toEqual([]);
});

it.each([
  "import { x } from '@aws-sdk/client-dynamodb';",
  "import { x } from '../dynamo/client';",
  "import { x } from '../../actions/list';",
  "import { x } from '../engine/context';",
  "import { x } from '../http/respond';",
  'const t = Date.now();',
  'const d = new Date();',
  'const id = randomUUID();',
  'const v = process.env.DATA_TABLE;',
])('recognises impure code: %s', (line) => {
  expect(IMPURE.test(line)).toBe(true);
});
