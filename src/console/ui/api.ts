// The console's API, as the page reads it: GET /api/<view>?… with the cookie the token set (src/console/server.ts).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ApiError {
  status?: number;
  code: string;
  error: string;
}

/** One GET of the console's API; a refusal (4xx/5xx) comes back as its JSON error. */
export async function getJson<T>(view: string, params: Record<string, string | undefined> = {}): Promise<T | ApiError> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v);
  const res = await fetch(`/api/${view}${query.size > 0 ? `?${query}` : ''}`, { credentials: 'same-origin' });
  const body = (await res.json().catch(() => ({ code: 'INTERNAL', error: `HTTP ${res.status}` }))) as T | ApiError;
  if (!res.ok) return { status: res.status, ...(body as ApiError) };
  return body;
}

export const isError = (v: unknown): v is ApiError =>
  typeof v === 'object' && v !== null && 'code' in v && 'error' in v && !('rows' in v);

/** The current address's query parameter, or ''. */
export const param = (name: string): string => new URLSearchParams(location.search).get(name) ?? '';

/** An address of the console with these parameters (empty ones left out). */
export function href(path: string, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v);
  return query.size > 0 ? `${path}?${query}` : path;
}

export const show = (v: Json | undefined): string =>
  v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
