// The operators live in core/operators, one module each, with their table in index.ts. The OpenAPI document still
// imports the list of spellings from here.
export { QUERY_OPERATORS } from '../operators';
