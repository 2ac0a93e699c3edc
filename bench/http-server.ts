// A server for the HTTP load test, in its own process: `node --import tsx bench/http-server.ts <scoutr|bare>`.
// Both are one Node process with node:http on loopback (the same process model); it reports its URL over IPC.
// - scoutr: the local server (src/local/server.ts), i.e. the Lambda code path behind the REST event adapter, with
//   the auth cache on and the request log line written (to /dev/null), as deployed.
// - bare: the same DynamoDB calls without Scoutr: GetItem (or the Query) and then the audit PutItem, nothing else.
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue as SdkValue,
} from '@aws-sdk/client-dynamodb';
import { itemToJson } from '../src/core/json';
import { routesFor } from '../src/core/routes';
import type { Item } from '../src/core/values';
import { createRuntime } from '../src/http/runtime';
import { startServer } from '../src/local/server';
import { APP, benchClient, benchConfig, TABLES } from './fixtures';

const endpoint = process.env.BENCH_ENDPOINT ?? '';
const mode = process.argv[2];

async function audit(db: DynamoDBClient, action: string, path: string): Promise<void> {
  const now = new Date();
  await db.send(
    new PutItemCommand({
      TableName: TABLES.audit,
      Item: {
        id: { S: `${now.toISOString()}#${randomBytes(8).toString('hex')}` },
        time: { S: now.toISOString() },
        action: { S: action },
        path: { S: path },
        expire_time: { N: String(Math.floor(now.getTime() / 1000) + 30 * 86_400) },
      },
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
        await audit(db, 'GET', url.pathname);
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
        await audit(db, 'LIST', url.pathname);
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
