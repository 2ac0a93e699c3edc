import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AppConfig } from '../../src/core/app';
import { itemToJson, type JsonOut } from '../../src/core/json';
import type { Logger } from '../../src/core/log';
import type { Verb } from '../../src/core/routes';
import type { Item } from '../../src/core/values';
import type { ApiEvent } from '../../src/http/event';
import { handleEvent } from '../../src/http/lambda';
import { createRuntime, type Runtime } from '../../src/http/runtime';
import { localDb } from '../support/db';
import type { Harness, Reply } from '../support/harness';

// Helpers for the HTTP-level integration tests: auth record builders, the error-body contract, audit scans,
// handler calls with hand-built events, and a DynamoDB client that records what it was asked.

export type Rule = { method: string; endpoint: string };
export const get = (endpoint: string): Rule => ({ method: 'GET', endpoint });
export const post = (endpoint: string): Rule => ({ method: 'POST', endpoint });

export const apiKey = (id: string, fields: Record<string, unknown> = {}) => ({ id, type: 'API_KEY', ...fields });
export const userRecord = (id: string, fields: Record<string, unknown> = {}) => ({ id, type: 'USERNAME', ...fields });
export const oidcGroup = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  type: 'OIDC_GROUP',
  ...fields,
});

const ERROR_KEYS = new Set(['error', 'code', 'details']);

/** docs/reference/errors.md#the-error-body: every error body is exactly {error, code, details?}, JSON, with a string message. */
export function expectError(res: Pick<Reply, 'status' | 'body'>, status: number, code: string): void {
  expect({ status: res.status, code: (res.body as { code?: unknown } | undefined)?.code }).toEqual({ status, code });
  const body = res.body as Record<string, unknown>;
  expect(typeof body.error).toBe('string');
  expect(Object.keys(body).filter((k) => !ERROR_KEYS.has(k))).toEqual([]);
  if ('details' in body) expect(typeof body.details).toBe('object');
}

/** A 400 INVALID_QUERY naming the parameter it is about. */
export function expectInvalidQuery(res: Pick<Reply, 'status' | 'body'>, param: string): void {
  expectError(res, 400, 'INVALID_QUERY');
  expect((res.body as { details?: unknown }).details).toEqual({ param });
}

/** Every record in the audit table, as JSON. */
export async function auditRecords(h: Harness): Promise<Array<{ [key: string]: JsonOut }>> {
  if (!h.tables.audit) return [];
  const out: Array<{ [key: string]: JsonOut }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await h.db.send(
      new ScanCommand({ TableName: h.tables.audit, ConsistentRead: true, ExclusiveStartKey: start as never }),
    );
    for (const item of page.Items ?? []) out.push(itemToJson(item as unknown as Item));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** A handler answer with its body parsed, like Reply. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

/** One event through the Lambda code path (handleEvent), the way API Gateway would invoke it. */
export async function invoke(rt: Runtime, verb: Verb, event: ApiEvent): Promise<Answer> {
  const result = await handleEvent(rt, verb, event);
  let body: unknown = result.body;
  try {
    body = result.body ? JSON.parse(result.body) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: result.statusCode, headers: result.headers, body, text: result.body };
}

/** A runtime over the harness tables with other settings (a second container, another config). */
export function runtimeWith(
  h: Harness,
  config: Partial<Harness['config']>,
  opts: { app?: AppConfig; db?: DynamoDBClient; now?: () => number; log?: Logger } = {},
): Promise<Runtime> {
  return createRuntime(
    opts.app ?? h.runtime.deps.app,
    { ...h.config, ...config },
    {
      db: opts.db ?? h.db,
      log: opts.log ?? h.runtime.deps.log,
      ...(opts.now ? { now: opts.now } : {}),
    },
  );
}

export interface SentCommand {
  command: string;
  tables: string[];
}

/**
 * A client to DynamoDB Local that records each command and the tables it names. `fail`, when given, may throw
 * instead of sending (before the SDK's retries, like an error that survived them).
 */
export function recordingDb(fail?: (sent: SentCommand) => Error | undefined): {
  db: DynamoDBClient;
  sent: SentCommand[];
} {
  const db = localDb();
  const sent: SentCommand[] = [];
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const tables = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
      const command: SentCommand = { command: String(context.commandName), tables };
      sent.push(command);
      const err = fail?.(command);
      if (err) throw err;
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return { db, sent };
}

/** A logger that keeps its lines, to assert on what went to the log instead of the answer. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; msg: string; fields: unknown }> } {
  const lines: Array<{ level: string; msg: string; fields: unknown }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, fields });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The ids of a list answer, sorted, for order-free comparisons. */
export const idsOf = (body: unknown, key = 'id'): unknown[] =>
  (body as Array<Record<string, unknown>>).map((i) => i[key]).sort();
