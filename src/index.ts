// The package's public surface: the app config type, the handler factory, and the actions for custom handlers.

export { createItem } from './actions/create';
export { custom, writeOps } from './actions/custom';
export { deleteItem } from './actions/delete';
export { runRequest } from './actions/run';
export { updateItem } from './actions/update';
export { type Config, EnvSchema, loadConfig } from './config';
export type {
  AppConfig,
  CustomAction,
  CustomRequest,
  KeyDeclaration,
  TableDeclaration,
  UniqueRoute,
  Validator,
  ValidatorFn,
  WriteCondition,
  WriteOps,
} from './core/app';
export { defineApp } from './core/define-app';
export { type ErrorCode, ScoutrError } from './core/errors';
export { type Identity, InvalidPolicy, type PolicyOptions } from './core/policy/load-policy';
export { type PolicyDocument, PolicySchema } from './core/policy/schema';
export { type Route, routesFor, type Verb } from './core/routes';
export type { Ctx, Deps, Reply } from './engine/context';
export type { Decision } from './http/decision';
export { handleEvent, lambdaHandler } from './http/lambda';
export { createRuntime, type Runtime } from './http/runtime';
export { type LoadPolicyOptions, loadPolicy, type Policy } from './policy';
