import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Io, run } from '../../../src/cli/main';
import type { Harness } from '../../support/harness';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** `scoutr ARGS` in-process, against the given client and environment. */
export function cli(db: DynamoDBClient, env: Record<string, string | undefined>) {
  return async (args: string[], opts: { ask?: Io['ask']; cwd?: string } = {}): Promise<CliResult> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(args, {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env,
      interactive: opts.ask !== undefined,
      ask: opts.ask ?? (async () => ''),
      db,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    return { code, out: out.join(''), err: err.join('') };
  };
}

const dir = mkdtempSync(join(tmpdir(), 'scoutr-cli-'));
let n = 0;
/** Writes a policy file and returns its path. */
export function policyFile(text: string, ext = 'yml'): string {
  const file = join(dir, `policy-${process.pid}-${++n}.${ext}`);
  writeFileSync(file, text);
  return file;
}

/** The variables that point `scoutr` at a harness's tables on the test run's DynamoDB Local. */
export const tablesEnv = (h: Pick<Harness, 'tables'>) => ({
  AUTH_TABLE: h.tables.auth,
  GROUP_TABLE: h.tables.groups,
  DATA_TABLE: h.tables.data,
  DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
});

/** `scoutr ARGS` in-process on a harness's tables (tablesEnv), with `extra` variables. */
export const cliOn = (h: Pick<Harness, 'db' | 'tables'>, extra: Record<string, string | undefined> = {}) =>
  cli(h.db, { ...tablesEnv(h), ...extra });
