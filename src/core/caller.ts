/** Where the caller's identity came from (docs/reference/identity.md#sources-in-order-of-precedence, in order of precedence). */
type CallerKind = 'jwt' | 'authorizer' | 'oidc' | 'api_key' | 'anonymous';

export interface Caller {
  kind: CallerKind;
  /** user id, or API key id for an API key caller; absent when anonymous */
  id?: string;
  username?: string;
  email?: string;
  name?: string;
  /** group claims (OIDC groups, Cognito groups) */
  groups: string[];
  /** the REST API key id, recorded even when a user identity takes precedence */
  apiKeyId?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** A short, log-safe name for the caller: `jwt:u-1`, `api_key:k-1`, `anonymous`. */
export const callerLabel = (c: Caller): string => (c.id === undefined ? c.kind : `${c.kind}:${c.id}`);
