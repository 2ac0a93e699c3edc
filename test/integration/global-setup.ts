import { buildConsole } from '../../scripts/build-console';
import { startEmulator } from '../../src/local/emulator';

// One DynamoDB Local (in memory) for the whole run, private to a random access key as `npm start`'s is: the
// workers inherit DYNAMODB_ENDPOINT and the key (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, which the server's and the
// CLI's local credentials and test/support/db.ts take). A DYNAMODB_ENDPOINT already set is used instead, with the
// key in the environment or the fixed local one; the suites refuse any endpoint that is not on loopback.
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The console's page as the sources are now (npm run build:console): its tests serve and drive it.
  await buildConsole();
  if (process.env.DYNAMODB_ENDPOINT) return;
  const emulator = await startEmulator();
  process.env.DYNAMODB_ENDPOINT = emulator.endpoint;
  process.env.AWS_ACCESS_KEY_ID = emulator.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = emulator.credentials.secretAccessKey;
  (globalThis as { __scoutrEmulator?: unknown }).__scoutrEmulator = emulator;
}
