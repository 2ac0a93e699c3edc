import type { Emulator } from '../../src/local/emulator';

export default async function globalTeardown(): Promise<void> {
  const emulator = (globalThis as { __scoutrEmulator?: Emulator }).__scoutrEmulator;
  await emulator?.stop();
}
