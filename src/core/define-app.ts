import type { AppConfig } from './app';
import { routesFor } from './routes';

/**
 * Gives the config its type, for app modules: `export default defineApp({ ... })`. Refuses, when the module loads, a
 * route table API Gateway could not deploy (RouteTableError naming each route; docs/reference/app-config.md#routes-api-gateway-can-deploy).
 */
export function defineApp(config: AppConfig): AppConfig {
  routesFor(config);
  return config;
}
