// The JWT switch: SCOUTR_AUTH=cognito with COGNITO_USER_POOL_ARN puts a Cognito authorizer on every route
// (identity then comes from the JWT claims, SPEC.md §3); the API key stays required. Default: API key only.
module.exports = () => {
  const mode = process.env.SCOUTR_AUTH ?? 'apikey';
  if (mode === 'apikey') return '';
  if (mode !== 'cognito') throw new Error(`SCOUTR_AUTH must be apikey or cognito, got ${mode}`);
  // While Scoutr verifies tokens itself it ignores every authorizer's output (README "JWT verification").
  if (process.env.OIDC_JWKS_URL) {
    throw new Error('SCOUTR_AUTH=cognito and OIDC_JWKS_URL exclude each other: choose the authorizer or in-process');
  }
  const arn = process.env.COGNITO_USER_POOL_ARN;
  if (!arn) throw new Error('SCOUTR_AUTH=cognito needs COGNITO_USER_POOL_ARN');
  return { type: 'COGNITO_USER_POOLS', arn, identitySource: 'method.request.header.Authorization' };
};
