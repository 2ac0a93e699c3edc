import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from 'commander';
import type { PolicyDocument } from '../core/policy/schema';
import type { PolicyTables } from '../dynamo/policy';
import { formatIssue, loadPolicyFile } from '../policy-file';
import { type CliEnv, cliClient, cliEnv } from './env';
import type { Io } from './io';

/** Exit codes (docs: reference/cli): 2 means "changes to make" for plan, "denied" for check. */
export const EXIT = { ok: 0, error: 1, changes: 2, denied: 2 } as const;

/** `--port N`: a TCP port number (0: any free one). */
export function portOption(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) throw new InvalidArgumentError('not a port number');
  return Number(value);
}

/** A command's own error: its message is the whole answer (exit 1). */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Ends the command with this exit code, after it has printed what it had to. */
export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * One renderer for every command: the result as JSON with --json (the value, pretty-printed), else as text lines.
 * A command builds its result once and says how it reads as text.
 */
export interface Output {
  result(value: unknown, text: () => string | readonly string[]): void;
}

/** What every command is given: the process's edges (Io), the exit code it sets, and the tables when it needs them. */
export class CliContext {
  code: number = EXIT.ok;
  private clients: { env: CliEnv; db: DynamoDBClient } | undefined;

  constructor(readonly io: Io) {}

  output(json: boolean | undefined): Output {
    return {
      result: (value, text) => {
        if (json) return this.io.out(`${JSON.stringify(value, null, 2)}\n`);
        const t = text();
        if (typeof t === 'string') {
          if (t !== '') this.io.out(t);
        } else if (t.length > 0) this.io.out(`${t.join('\n')}\n`);
      },
    };
  }

  /** The tables' variables and a client, made on first use (a command that needs no table reads no variable). */
  connect(): { env: CliEnv; db: DynamoDBClient } {
    if (!this.clients) {
      const env = cliEnv(this.io.env);
      this.clients = { env, db: this.io.db ?? cliClient(env, this.io.env) };
    }
    return this.clients;
  }

  policyTables(): PolicyTables {
    const { env } = this.connect();
    return { auth: env.AUTH_TABLE, groups: env.GROUP_TABLE };
  }

  /** A valid policy file, or its located issues printed (as JSON with --json) and exit 1. */
  loadPolicy(file: string, json: boolean | undefined): PolicyDocument {
    const loaded = loadPolicyFile(file);
    if ('doc' in loaded) return loaded.doc;
    if (json) this.io.out(`${JSON.stringify({ valid: false, issues: loaded.issues }, null, 2)}\n`);
    else this.io.err(`${loaded.issues.map(formatIssue).join('\n')}\n`);
    throw new Exit(EXIT.error);
  }

  close(): void {
    if (this.clients && !this.io.db) this.clients.db.destroy();
  }
}
