import type { Logger } from '../core/log';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 50 } as const;
export type Level = keyof typeof LEVELS;

/** One JSON object per line on stdout, with fixed keys first; `debug` stays off unless LOG_LEVEL=debug. */
export function jsonLogger(
  level: Level = 'info',
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const min = LEVELS[level];
  const emit =
    (lvl: Exclude<Level, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[lvl] < min) return; // `silent` is above every level a line can have
      write(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...fields })}\n`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** What an error may contribute to a log line: its kind and message, never the request it came with. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? { cause: `${err.cause.name}: ${err.cause.message}` } : {};
    return { name: err.name, message: err.message, stack: err.stack, ...cause };
  }
  return { message: String(err) };
}
