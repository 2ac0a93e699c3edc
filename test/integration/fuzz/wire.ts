// Requests exactly as fuzzed: the raw path (no URL normalisation: `..`, `%2F` and bytes above 0x7f reach the server
// as sent) and headers that may repeat (an array value is sent as that many header lines). fetch can do neither.
import { Agent, request } from 'node:http';
import type { Answer } from './tally';

export type WireHeaders = Record<string, string | string[]>;
export interface WireReply extends Answer {
  headers: Record<string, string | string[] | undefined>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
afterAll(() => agent.destroy());

/** Text as the bytes of its UTF-8 on the wire (Node sends header and path characters up to 0xff as single bytes). */
export const utf8Bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** Header value text Node will send: UTF-8 bytes, without the control characters HTTP forbids. */
export const headerSafe = (s: string): string =>
  [...utf8Bytes(s)].filter((c) => c === '\t' || (c >= ' ' && c !== '\u007f')).join('');

export function wire(url: string, method: string, path: string, headers: WireHeaders = {}, body?: string) {
  const { hostname, port } = new URL(url);
  // Node frames no body of a GET or DELETE by itself: without a length, the server would read it as the next request.
  const framed = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise<WireReply>((resolve, reject) => {
    const req = request({ agent, hostname, port, method, path, headers: framed }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
