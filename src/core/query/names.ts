import { invalidQuery } from '../errors';

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** A field path from a query or route: dots nest; no empty, `_`-prefixed or prototype-named segment (docs/reference/query-language.md#names-and-nesting). */
/** DynamoDB's limit on a document path's depth. */
const MAX_PATH_DEPTH = 32;

export function checkFieldPath(param: string, path: string): string {
  const segments = path.split('.');
  if (segments.length > MAX_PATH_DEPTH) throw invalidQuery(param, `paths nest at most ${MAX_PATH_DEPTH} levels`);
  for (const segment of segments) {
    if (segment === '') throw invalidQuery(param, 'empty name segment');
    if (segment.startsWith('_')) throw invalidQuery(param, 'names starting with _ are reserved');
    if (FORBIDDEN_SEGMENTS.has(segment)) throw invalidQuery(param, `'${segment}' is not a field name`);
  }
  return path;
}

/** True when `a` equals, extends or is a prefix of `b`, segment by segment ('meta' ~ 'meta.secret'). */
export function pathsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
  return true;
}
