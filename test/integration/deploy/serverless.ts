import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildPackage } from '../../support/build';
import { localDb } from '../../support/db';

export { buildPackage };

// Helpers for the deploy tests: build the package, run osls offline in a project, read its zips, and read the
// CloudFormation template it writes.

export const ROOT = resolve(__dirname, '../../..');
export const PETSTORE = resolve(ROOT, 'example/petstore');
const OSLS = resolve(ROOT, 'node_modules/osls/bin/serverless.js');

/** Variables that change what the integration generates; each run sets only the ones it names. */
const SWITCHES = ['SENTRY_DSN', 'CORS_ORIGINS', 'SCOUTR_AUTH', 'COGNITO_USER_POOL_ARN', 'OIDC_JWKS_URL'];

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> =>
  new Promise((done, fail) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${args.join(' ')} failed:\n${stderr}\n${stdout}`)) : done(stdout),
    );
  });

/**
 * Runs osls in a project (the pet store by default) with a clean set of deploy switches, loading `scoutr/serverless`
 * from dist/ as a user's project does (buildPackage first); resolves with stdout, rejects with stderr.
 */
export async function osls(args: string[], env: Record<string, string> = {}, cwd = PETSTORE): Promise<string> {
  await buildPackage();
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SWITCHES.includes(k)));
  return run(process.execPath, [OSLS, ...args], cwd, {
    ...base,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    ...env,
  });
}

/** The entries of a zip file, by name. Enough of the format for what osls writes (stored or deflated). */
export function readZip(path: string): Map<string, Buffer> {
  const zip = readFileSync(path);
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${path}: not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${path}: bad central directory`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    out.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    at += 46 + skip;
  }
  return out;
}

interface SourceMap {
  sources: string[];
  sourcesContent?: (string | null)[];
}
const mapOf = (zip: Map<string, Buffer>, file: string) =>
  JSON.parse(zip.get(`${file}.map`)!.toString('utf8')) as SourceMap;

/** The modules a bundle was made of, as its source map names them. */
export const bundledSources = (zip: Map<string, Buffer>, file: string): string[] => mapOf(zip, file).sources;

/** The source of the entry scoutr/serverless generated for a bundle (`scoutr-entry:list`), from its source map. */
export function entrySourceOf(zip: Map<string, Buffer>, file: string): string {
  const map = mapOf(zip, file);
  const at = map.sources.findIndex((s) => s.startsWith('scoutr-entry:'));
  if (at < 0) throw new Error(`${file}: no generated entry among ${map.sources.length} sources`);
  return map.sourcesContent?.[at] ?? '';
}

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
export interface Template {
  Resources: Record<string, Resource>;
}

export const resourcesOf = (t: Template, type: string): [string, Resource][] =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** `{ Ref: X }` or `{ Fn::GetAtt: [X, ...] }` → X */
export function logicalId(v: unknown): string | undefined {
  if (v && typeof v === 'object') {
    if ('Ref' in v && typeof v.Ref === 'string') return v.Ref;
    if ('Fn::GetAtt' in v && Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
  }
  return undefined;
}

/**
 * A policy resource as readable text: `{Fn::GetAtt: [DataTable, Arn]}` → `DataTable`,
 * `{Fn::Join: ['/', [<DataTable arn>, 'index', '*']]}` → `DataTable/index/*`.
 */
export function resourceText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'Fn::Join' in v && Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resourceText).join(sep);
  }
  const id = logicalId(v);
  if (id) return id;
  return JSON.stringify(v);
}

export interface Grant {
  action: string;
  resource: string;
}

/** Every Allow of a role's inline policies as (action, resource) pairs. */
export function grantsOf(role: Resource): Grant[] {
  const policies = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[];
  const grants: Grant[] = [];
  for (const policy of policies) {
    for (const s of policy.PolicyDocument.Statement as Record<string, unknown>[]) {
      if (s.Effect !== 'Allow') continue;
      const actions = ([] as unknown[]).concat(s.Action).map(String);
      const resources = ([] as unknown[]).concat(s.Resource).map(resourceText);
      for (const action of actions) for (const resource of resources) grants.push({ action, resource });
    }
  }
  return grants;
}

/** The API Gateway routes of a template: (method, path), the path rebuilt from the Resource PathPart/ParentId chain. */
export interface ApiRoute {
  method: string;
  path: string;
  /** the logical id of the Lambda function the method invokes */
  target: string | undefined;
  properties: Record<string, unknown>;
}

export function apiRoutes(t: Template): ApiRoute[] {
  const resources = new Map(resourcesOf(t, 'AWS::ApiGateway::Resource'));
  const pathOf = (id: string | undefined): string => {
    const r = id === undefined ? undefined : resources.get(id);
    if (!r) return ''; // the RestApi's root resource
    return `${pathOf(logicalId(r.Properties.ParentId))}/${String(r.Properties.PathPart)}`;
  };
  return resourcesOf(t, 'AWS::ApiGateway::Method').map(([, m]) => {
    const uri = JSON.stringify((m.Properties.Integration as { Uri?: unknown } | undefined)?.Uri ?? '');
    return {
      method: String(m.Properties.HttpMethod),
      path: pathOf(logicalId(m.Properties.ResourceId)) || '/',
      target: /"Fn::GetAtt":\["(\w+)","Arn"\]/.exec(uri)?.[1],
      properties: m.Properties,
    };
  });
}

/**
 * A project of its own in a temporary folder, as a team has one after `npm install scoutr`: its files, and
 * node_modules holding `scoutr` (this repository, so its package.json `exports` and dist/) and `zod` for its
 * validators. Answers its folder.
 */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-project-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'scoutr'), 'dir');
  symlinkSync(resolve(ROOT, 'node_modules/zod'), join(dir, 'node_modules', 'zod'), 'dir');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** `osls package` in a project, into a temporary folder: its template, and the folder with the zips. */
export async function packageProject(
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ dir: string; template: Template }> {
  const dir = mkdtempSync(join(tmpdir(), 'scoutr-package-'));
  await osls(['package', '--package', dir], env, cwd).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  return { dir, template: template as Template };
}

/**
 * A client of the test DynamoDB that records every command it sends as the IAM grants it needs; `take()` answers
 * those recorded since the last take.
 */
export function recordingDb(): { db: DynamoDBClient; take: () => Grant[] } {
  let calls: Grant[] = [];
  const db = localDb();
  db.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(...asGrants(context.commandName ?? '', args.input as Record<string, unknown>));
      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );
  const take = () => {
    const taken = calls;
    calls = [];
    return taken;
  };
  return { db, take };
}

/** A DynamoDB command as the IAM actions and resources it is authorized as (`table` or `table/index/name`). */
export function asGrants(command: string, input: Record<string, unknown>): Grant[] {
  const action = `dynamodb:${command.replace(/Command$/, '')}`;
  const on = (table: unknown, index?: unknown) => (index ? `${String(table)}/index/${String(index)}` : String(table));
  switch (command) {
    case 'BatchGetItemCommand':
    case 'BatchWriteItemCommand':
      return Object.keys(input.RequestItems as object).map((t) => ({ action, resource: on(t) }));
    case 'TransactWriteItemsCommand':
    case 'TransactGetItemsCommand':
      // No IAM action of its own: each part is authorized as the single-item action it performs.
      return (input.TransactItems as Record<string, { TableName: string }>[]).flatMap((part) =>
        Object.entries(part).map(([kind, p]) => ({
          action: `dynamodb:${{ Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', Get: 'GetItem', ConditionCheck: 'ConditionCheckItem' }[kind] ?? kind}`,
          resource: on(p.TableName),
        })),
      );
    default:
      return [{ action, resource: on(input.TableName, input.IndexName) }];
  }
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map(literal).join('[^/]*')}$`);
/** Whether a role's grants allow a call (resources may end in `*`, as index ARNs do). */
export const allowedBy = (grants: Grant[], call: Grant) =>
  grants.some((g) => g.action === call.action && glob(g.resource).test(call.resource));
