// CORS per CORS_ORIGINS (default: none). Preflight needs no identity.
const ALLOW_HEADERS = 'Content-Type, Authorization, X-Api-Key, If-Match';
const EXPOSE_HEADERS = 'ETag, Link, X-Next-Cursor, Retry-After';

function allowedOrigin(origins: readonly string[], origin: string | undefined): string | undefined {
  if (!origin || origins.length === 0) return undefined;
  if (origins.includes('*')) return '*';
  return origins.includes(origin) ? origin : undefined;
}

export function corsHeaders(origins: readonly string[], origin: string | undefined): Record<string, string> {
  const allowed = allowedOrigin(origins, origin);
  if (!allowed) return {};
  return {
    'Access-Control-Allow-Origin': allowed,
    'Access-Control-Expose-Headers': EXPOSE_HEADERS,
    ...(allowed === '*' ? {} : { Vary: 'Origin' }),
  };
}

export function preflightHeaders(
  origins: readonly string[],
  origin: string | undefined,
  methods: string,
): Record<string, string> {
  const base = corsHeaders(origins, origin);
  if (!base['Access-Control-Allow-Origin']) return {};
  return {
    ...base,
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Allow-Headers': ALLOW_HEADERS,
    'Access-Control-Max-Age': '600',
  };
}
