// API Gateway CORS for every route, from CORS_ORIGINS (comma-separated; default none: no CORS at all).
// Resolved by `serverless package` on the machine that packages: no network.
module.exports = () => {
  const origins = (process.env.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (origins.length === 0) return false;
  return {
    origins,
    headers: ['Content-Type', 'Authorization', 'X-Api-Key', 'If-Match'],
    allowCredentials: false,
  };
};
