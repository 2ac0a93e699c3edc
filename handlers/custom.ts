import app from '../example/petstore/scoutr.config'; // the app config: routes, validators, conditions (SPEC.md §8)
import { loadConfig } from '../src/config';
import { lambdaHandler } from '../src/http/lambda';

// Every custom action of the app config (POST /item/{id}/sell in the example): the route decides which runs.
export const handler = lambdaHandler('custom', app, loadConfig(process.env));
