import { parse } from 'lossless-json';
import { ScoutrError } from '../core/errors';
import { type Json, JsonNumber } from '../core/json';

/** Request bodies are parsed losslessly: a number keeps every digit until it is stored. */
export function parseBody(text: string | undefined): Json {
  if (text === undefined || text.trim() === '') throw new ScoutrError('INVALID_JSON', 'A JSON body is required');
  try {
    return parse(text, null, (t: string) => new JsonNumber(t)) as Json;
  } catch (err) {
    // lossless-json reports syntax errors and duplicate keys; a stack overflow means absurd nesting
    const reason = err instanceof RangeError ? 'nesting too deep' : 'malformed JSON';
    throw new ScoutrError('INVALID_JSON', `Body is not valid JSON: ${reason}`);
  }
}

export const isObject = (v: Json): v is { [key: string]: Json } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);
