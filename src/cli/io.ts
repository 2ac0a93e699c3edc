import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DevServer } from '../local/dev';

/** Everything a command touches outside itself, so tests run the command line in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** whether a person can answer a question (stdin is a terminal) */
  interactive: boolean;
  ask(question: string): Promise<string>;
  /** the folder a command works in (default: the process's) */
  cwd?: string;
  /** a client to use instead of one built from the environment (tests) */
  db?: DynamoDBClient;
  now?: () => number;
  /** resolves when a long-running command (dev, console) should stop (docs/reference/cli.md#stopping), or the test is done */
  untilStopped?(): Promise<void>;
  /** told when `scoutr dev` is serving (tests) */
  started?(server: DevServer): void;
}
