import { request as httpRequest } from 'node:http';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { exampleFiles } from '../../../scripts/examples';
import { type ConsoleServer, startConsole } from '../../../src/console/server';
import { expectError } from '../../factories/http';
import { startExample } from '../../support/examples';
import type { Harness } from '../../support/harness';

// The console's guard (docs/how-to/use-the-console.md#the-guard): loopback only, the token it printed or nothing, a loopback Host or nothing,
// only GET, and the headers that keep its page out of caches and frames. Every case through real HTTP.

let h: Harness;
let c: ConsoleServer;
beforeAll(async () => {
  h = await startExample('petstore');
  c = await startConsole({
    app: h.runtime.deps.app,
    config: h.config,
    db: h.db,
    policyFile: exampleFiles('petstore').policy!,
  });
});
afterAll(async () => {
  await c?.close();
  await h?.close();
});

/** A raw request, so that the Host header is the test's to choose (fetch sets its own). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const { port } = new URL(c.url);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}
const host = () => new URL(c.url).host;
const withToken = (extra: Record<string, string> = {}) => ({ Host: host(), 'X-Scoutr-Token': c.token, ...extra });
const bodyOf = (r: { body: string }) => JSON.parse(r.body) as { code: string; error: string };

describe('the token', () => {
  it.each(['/', '/see-as', '/api/meta', '/app.js', '/api/who?item=p-1'])(
    'is required: %s without it is 401 JSON',
    async (path) => {
      const res = await raw(path, { Host: host() });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(bodyOf(res).code).toBe('UNAUTHENTICATED');
    },
  );

  it('refuses a wrong token of the same length, in the query, a header or a cookie', async () => {
    const wrong = `${c.token.slice(0, -1)}${c.token.endsWith('A') ? 'B' : 'A'}`;
    const { port } = new URL(c.url);
    expect((await raw(`/api/meta?token=${wrong}`, { Host: host() })).status).toBe(401);
    expect((await raw('/api/meta', { Host: host(), 'X-Scoutr-Token': wrong })).status).toBe(401);
    expect((await raw('/api/meta', { Host: host(), Cookie: `scoutr_console_${port}=${wrong}` })).status).toBe(401);
  });

  it('in the address, sets an HttpOnly SameSite cookie and takes itself out of the address', async () => {
    const res = await raw(`/see-as?as=key%3Apublic-key&token=${c.token}`, { Host: host() });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/see-as?as=key%3Apublic-key');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(
      new RegExp(`^scoutr_console_${new URL(c.url).port}=${c.token}; HttpOnly; SameSite=Strict; Path=/`),
    );
    const page = await raw('/see-as?as=key%3Apublic-key', { Host: host(), Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('is new on every start', async () => {
    const other = await startConsole({ app: h.runtime.deps.app, config: h.config, db: h.db });
    try {
      expect(other.token).not.toBe(c.token);
      expect(other.token.length).toBeGreaterThanOrEqual(32);
      expect(other.link).toBe(`${other.url}/?token=${other.token}`);
    } finally {
      await other.close();
    }
  });
});

describe('the address', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(c.url).hostname).toBe('127.0.0.1');
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com'])('refuses to listen on %s', async (address) => {
    await expect(startConsole({ app: h.runtime.deps.app, config: h.config, db: h.db, host: address })).rejects.toThrow(
      /loopback address only/,
    );
  });

  it.each([
    ['a rebinding name', 'evil.example'],
    ['a rebinding name on the port', 'evil.example:PORT'],
    ['another loopback port', '127.0.0.1:1'],
    ['a private address', '10.0.0.1:PORT'],
  ])('refuses %s in Host, even with the token', async (_, name) => {
    const res = await raw('/api/meta', { ...withToken(), Host: name.replace('PORT', new URL(c.url).port) });
    expect(res.status).toBe(403);
    expect(bodyOf(res).code).toBe('FORBIDDEN');
  });

  it.each(['127.0.0.1:PORT', 'localhost:PORT', '[::1]:PORT'])('accepts the loopback Host %s', async (name) => {
    const res = await raw('/api/meta', { ...withToken(), Host: name.replace('PORT', new URL(c.url).port) });
    expect(res.status).toBe(200);
  });
});

describe('every answer', () => {
  it.each([
    ['a page', '/identities', withToken],
    ['the API', '/api/meta', withToken],
    ['a refusal', '/api/meta', () => ({ Host: host() })],
  ])('of %s carries no-store, a CSP without inline code, and no framing', async (_, path, headers) => {
    const res = await raw(path, headers());
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it.each(['POST', 'PUT', 'DELETE'])('to %s is 405: the console only reads', async (method) => {
    const res = await raw('/api/meta', withToken(), method);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('to an unknown page or API is 404 JSON', async () => {
    expect(bodyOf(await raw('/admin', withToken())).code).toBe('NOT_FOUND');
    expect(bodyOf(await raw('/api/nothing', withToken())).code).toBe('NOT_FOUND');
  });
});

describe('the console writes nothing', () => {
  it('leaves the data, auth and audit tables as they were after reading every view', async () => {
    const count = async (table: string) =>
      (await h.db.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count;
    const tables = [h.tables.data, h.tables.auth, h.tables.groups, h.tables.audit!];
    const before = await Promise.all(tables.map(count));
    for (const path of [
      '/api/identities',
      '/api/see-as?as=key:public-key',
      '/api/why?as=user:alice&method=DELETE&path=/item/p-1&item=p-1',
      '/api/who?item=p-5',
      '/api/policy',
      '/api/history?item=p-1',
      '/api/audit',
      '/api/openapi?as=key:admin-key',
    ]) {
      expect({ path, status: (await raw(path, withToken())).status }).toEqual({ path, status: 200 });
    }
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });

  it('answers a malformed request 400 naming the parameter', async () => {
    const res = await raw('/api/why?as=bob&method=GET&path=/items', withToken());
    expect(res.status).toBe(400);
    expect(bodyOf(res)).toEqual({ code: 'INVALID_QUERY', error: expect.stringMatching(/^as: identity 'bob'/) });
    const missing = await raw('/api/who', withToken());
    expectError({ status: missing.status, body: bodyOf(missing) }, 400, 'INVALID_QUERY');
  });
});
