// npm run openapi: writes openapi.json for the app config (SCOUTR_CONFIG, default example/app.ts).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocument } from '../src/http/openapi';
import { loadApp } from '../src/local/config';

async function main() {
  const { app } = await loadApp(process.env.SCOUTR_CONFIG);
  const out = resolve(process.argv[2] ?? 'openapi.json');
  writeFileSync(out, `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
  console.log(`wrote ${out}`);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
