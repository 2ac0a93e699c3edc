// npm run openapi: writes openapi.json for the app config (SCOUTR_CONFIG, default example/petstore/scoutr.config.ts).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadApp } from '../src/config';
import { openApiDocument } from '../src/http/openapi';

async function main() {
  const app = await loadApp(resolve(process.env.SCOUTR_CONFIG || 'example/petstore/scoutr.config.ts'));
  const out = resolve(process.argv[2] ?? 'openapi.json');
  writeFileSync(out, `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
  console.log(`wrote ${out}`);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
