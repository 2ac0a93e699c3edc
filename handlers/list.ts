import app from '../example/petstore/scoutr.config'; // the app config: routes, validators, conditions (SPEC.md §8)
import { loadConfig } from '../src/config';
import { lambdaHandler } from '../src/http/lambda';

// Parsed at cold start: a bad variable fails init loudly, by name, instead of one request later.
export const handler = lambdaHandler('list', app, loadConfig(process.env));
