import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

// An identity provider on loopback for the JWT verification tests: a JWKS endpoint whose keys the test swaps, and
// the signing half of each key.

export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  jwk: JWK;
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
}

export async function signingKey(kid: string, alg: SigningKey['alg'] = 'ES256'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    jwk,
    sign: (claims, header = {}) => new SignJWT(claims).setProtectedHeader({ alg, kid, ...header }).sign(privateKey),
  };
}

export interface JwksServer {
  url: string;
  /** the issuer tokens of this provider name */
  issuer: string;
  /** how many times the key set was fetched */
  fetches: number;
  /** publish these keys from now on */
  publish(keys: SigningKey[]): void;
  /** answer every fetch with this status instead (e.g. 503) */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  let published = keys;
  let failure: number | undefined;
  const server = createServer((req, res) => {
    state.fetches++;
    if (failure !== undefined || req.url !== '/jwks') {
      res.writeHead(failure ?? 404).end();
      return;
    }
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: JwksServer = {
    url: `http://127.0.0.1:${port}/jwks`,
    issuer: `http://127.0.0.1:${port}/`,
    fetches: 0,
    publish: (next) => {
      published = next;
    },
    failWith: (status) => {
      failure = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return state;
}
