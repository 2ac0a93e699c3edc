import { buildConsole } from '../../scripts/build-console';
import { startEmulator } from '../../src/local/emulator';

// One DynamoDB Local (in memory) for the whole run. A DYNAMODB_ENDPOINT already set is used instead; the suites
// refuse any endpoint that is not on loopback (test/support/db.ts).
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The console's page as the sources are now (npm run build:console): its tests serve and drive it.
  await buildConsole();
  if (process.env.DYNAMODB_ENDPOINT) return;
  const emulator = await startEmulator();
  process.env.DYNAMODB_ENDPOINT = emulator.endpoint;
  (globalThis as { __scoutrEmulator?: unknown }).__scoutrEmulator = emulator;
}
