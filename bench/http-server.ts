// A server for the HTTP load test, in its own process: `node --import tsx bench/http-server.ts <scoutr|bare>`.
// Both are one Node process with node:http on loopback (the same process model); it reports its URL over IPC.
// - scoutr: the local server (src/local/server.ts), i.e. the Lambda code path behind the REST event adapter, with
//   the auth cache on and the request log line written (to /dev/null), as deployed.
// - bare: the same DynamoDB calls without Scoutr: GetItem (or the Query) and then the same audit PutItem, nothing
//   else (no auth, no permission checks, no query language, no log line).
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type AttributeValue as SdkValue,
} from '@aws-sdk/client-dynamodb';
import { buildAuditRecord } from '../src/core/audit';
import { itemToJson } from '../src/core/json';
import { routesFor } from '../src/core/routes';
import type { Item } from '../src/core/values';
import { putAuditRecord } from '../src/dynamo/audit';
import { createRuntime } from '../src/http/runtime';
import { startServer } from '../src/local/server';
import { API_KEY, APP, benchClient, benchConfig, TABLES } from './fixtures';

const endpoint = process.env.BENCH_ENDPOINT ?? '';
const mode = process.argv[2];

/**
 * The same audit PutItem Scoutr sends for a read: the same record (built by src/core/audit.ts, with the caller's
 * fields as the API key's record gives them) and the same attribute_not_exists(id) condition, so both servers ask
 * DynamoDB for the same work and the difference is Scoutr's own.
 */
async function audit(
  db: DynamoDBClient,
  action: string,
  path: string,
  params: Record<string, string>,
  query: URLSearchParams,
) {
  const now = Date.now();
  const key = params.id === undefined ? undefined : { id: { S: params.id } };
  await putAuditRecord(
    db,
    TABLES.audit,
    buildAuditRecord({
      now,
      nonce: randomBytes(8).toString('hex'),
      shard: Math.floor(Math.random() * 4),
      action,
      method: 'GET',
      path,
      pathParams: params,
      query: [...query],
      resource: key,
      resourceKey: params.id,
      caller: { kind: 'api_key', id: API_KEY, apiKeyId: API_KEY, name: 'bench', sourceIp: '127.0.0.1', groups: [] },
      ttlDays: 30,
    }),
  );
}

function reply(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function bare(): Promise<string> {
  const db = benchClient(endpoint);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const item = /^\/item\/([^/]+)$/.exec(url.pathname);
      if (item) {
        const out = await db.send(
          new GetItemCommand({
            TableName: TABLES.data,
            Key: { id: { S: decodeURIComponent(item[1]!) } },
            ConsistentRead: true,
          }),
        );
        if (!out.Item) return reply(res, 404, '{"error":"Not found","code":"NOT_FOUND"}');
        await audit(db, 'GET', url.pathname, { id: decodeURIComponent(item[1]!) }, url.searchParams);
        return reply(res, 200, JSON.stringify(itemToJson(out.Item as unknown as Item)));
      }
      if (url.pathname === '/items') {
        const items: Item[] = [];
        let start: Record<string, SdkValue> | undefined;
        do {
          const page = await db.send(
            new QueryCommand({
              TableName: TABLES.data,
              IndexName: 'category-index',
              KeyConditionExpression: '#c = :c AND #p >= :p',
              ExpressionAttributeNames: { '#c': 'category', '#p': 'price' },
              ExpressionAttributeValues: {
                ':c': { S: url.searchParams.get('category') ?? '' },
                ':p': { N: url.searchParams.get('price__gte') ?? '0' },
              },
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const i of page.Items ?? []) items.push(i as unknown as Item);
          start = page.LastEvaluatedKey;
        } while (start);
        await audit(db, 'LIST', url.pathname, {}, url.searchParams);
        return reply(res, 200, JSON.stringify(items.map(itemToJson)));
      }
      reply(res, 404, '{"error":"No such route","code":"NOT_FOUND"}');
    } catch (err) {
      console.error(err);
      if (!res.headersSent) reply(res, 500, '{"error":"Internal error","code":"INTERNAL"}');
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function scoutr(): Promise<string> {
  const config = { ...benchConfig(endpoint), LOG_LEVEL: 'info' as const };
  const runtime = await createRuntime(APP, config, { db: benchClient(endpoint) });
  const server = await startServer({ runtime, routes: routesFor(APP), host: '127.0.0.1', port: 0 });
  return server.url;
}

(mode === 'bare' ? bare() : mode === 'scoutr' ? scoutr() : Promise.reject(new Error(`unknown mode ${mode}`))).then(
  (url) => process.send?.({ url }),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
