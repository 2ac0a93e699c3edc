/** Breadcrumbs for error reports (Sentry when SENTRY_DSN is set). Only names, ids and counts: never item data. */
export type Breadcrumb = (
  category: 'auth' | 'query' | 'dynamodb' | 'write',
  message: string,
  data?: Record<string, string | number | boolean>,
) => void;
