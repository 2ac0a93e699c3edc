import { ScoutrError } from '../../../src/core/errors';
import { bearerToken, eventHeaders, isHttpApiEvent, toRequest } from '../../../src/http/event';
import { type EventSpec, httpEvent, identityFrom, restEvent, shapes } from '../../factories/events';
import { answered, thrown } from '../../support/errors';

const identity = identityFrom({ TRUST_OIDC_HEADERS: 'true' });

describe.each(shapes)('toRequest, $shape event', ({ event }) => {
  it.each<{ what: string; spec: EventSpec; path: string }>([
    { what: 'a static route', spec: { route: '/items' }, path: '/items' },
    { what: 'a path parameter', spec: { route: '/item/{id}', params: { id: 'a1' } }, path: '/item/a1' },
    {
      what: 'a named stage',
      spec: { route: '/item/{id}', params: { id: 'a1' }, stage: 'prod' },
      path: '/item/a1',
    },
    {
      what: 'a custom-domain base path',
      spec: { route: '/item/{id}', params: { id: 'a1' }, basePath: '/api/v2' },
      path: '/item/a1',
    },
    {
      what: 'two parameters',
      spec: { route: '/items/{search_key}/{search_value}', params: { search_key: 'status', search_value: 'Active' } },
      path: '/items/status/Active',
    },
    { what: 'an encoded space', spec: { route: '/item/{id}', params: { id: 'a%20b' } }, path: '/item/a b' },
    // a parameter stays one segment: its decoded `/` is written %2F again
    { what: 'an encoded slash', spec: { route: '/item/{id}', params: { id: 'a%2Fb' } }, path: '/item/a%2Fb' },
    { what: 'a trailing encoded slash', spec: { route: '/item/{id}', params: { id: 'a%2F' } }, path: '/item/a%2F' },
    { what: 'a double-encoded %41', spec: { route: '/item/{id}', params: { id: '%2541' } }, path: '/item/%41' },
    { what: 'encoded UTF-8', spec: { route: '/item/{id}', params: { id: 'caf%C3%A9' } }, path: '/item/café' },
  ])('builds the canonical path from the route template for $what', ({ spec, path }) => {
    // Act
    const req = toRequest(event(spec), identity);
    // Assess
    expect(req.path).toBe(path);
  });

  it('decodes each path parameter exactly once', () => {
    // Act
    const req = toRequest(event({ route: '/item/{id}', params: { id: '%2541%252F' } }), identity);
    // Assess
    expect(req.pathParams).toEqual({ id: '%41%2F' });
    expect(req.path).toBe('/item/%41%2F');
  });

  it('keeps the route template as the resource', () => {
    const req = toRequest(event({ route: '/items/status/{status}', params: { status: 'x' } }), identity);
    expect(req.resource).toBe('/items/status/{status}');
  });

  it('upper-cases the method', () => {
    expect(toRequest(event({ method: 'patch', route: '/item/{id}', params: { id: 'a' } }), identity).method).toBe(
      'PATCH',
    );
  });

  it('keeps repeated query keys in order, each value decoded once', () => {
    // Prepare
    const query: Array<[string, string]> = [
      ['qty', '1'],
      ['qty', '2'],
      ['status', '%41'],
      ['name', 'a b&c=d'],
    ];
    // Act
    const req = toRequest(event({ query }), identity);
    // Assess
    expect(req.query).toEqual([
      ['qty', '1'],
      ['qty', '2'],
      ['status', '%41'],
      ['name', 'a b&c=d'],
    ]);
  });

  it('keeps a comma inside one query value as one value', () => {
    expect(toRequest(event({ query: [['tags__in', '["a","b"]']] }), identity).query).toEqual([
      ['tags__in', '["a","b"]'],
    ]);
  });

  it('answers no query parameters as an empty list', () => {
    expect(toRequest(event(), identity).query).toEqual([]);
  });

  it('lower-cases header names', () => {
    const req = toRequest(event({ headers: { 'Content-Type': 'application/json', 'X-Trace': 't' } }), identity);
    expect(req.headers).toMatchObject({ 'content-type': 'application/json', 'x-trace': 't' });
  });

  it.each([
    { what: 'plain', body: '[1,2]', base64: false },
    { what: 'base64', body: Buffer.from('[1,2]').toString('base64'), base64: true },
  ])('gives the body as text when it comes $what', ({ body, base64 }) => {
    expect(
      toRequest(
        event({ method: 'POST', route: '/search/{search_key}', params: { search_key: 'id' }, body, base64 }),
        identity,
      ).body,
    ).toBe('[1,2]');
  });

  it('has no body when none was sent', () => {
    expect(toRequest(event(), identity).body).toBeUndefined();
  });

  it('takes the source IP and user agent from the request context, never from headers', () => {
    // Prepare
    const spec = {
      sourceIp: '203.0.113.9',
      userAgent: 'curl/8',
      headers: { 'X-Forwarded-For': '10.0.0.1', 'User-Agent': 'spoofed' },
      claims: { sub: 'u-1' },
    };
    // Act
    const { caller } = toRequest(event(spec), identity);
    // Assess
    expect(caller).toMatchObject({ sourceIp: '203.0.113.9', userAgent: 'curl/8' });
  });

  it('answers a malformed percent-encoding in a path parameter with 400 INVALID_QUERY naming the path', () => {
    // HTTP APIs decode before the Lambda runs; a REST API passes the text through.
    if (event === httpEvent) return;
    const err = thrown(() => toRequest(event({ route: '/item/{id}', params: { id: '%E0%A4%A' } }), identity));
    expect(err).toBeInstanceOf(ScoutrError);
    expect(answered(err)).toMatchObject({ code: 'INVALID_QUERY', status: 400, details: { param: 'path' } });
  });
});

describe('toRequest, REST v1 only', () => {
  it('records the stage and the path the client used (with the stage) for next links', () => {
    const req = toRequest(restEvent({ route: '/items', stage: 'prod' }), identity);
    expect(req).toMatchObject({ stage: 'prod', publicPath: '/prod/items', path: '/items' });
  });

  it('records the path the client used behind a custom domain (with the base path)', () => {
    const req = toRequest(restEvent({ route: '/items', basePath: '/api' }), identity);
    expect(req).toMatchObject({ publicPath: '/api/items', path: '/items' });
  });

  it('joins a header sent twice with a comma', () => {
    const req = toRequest(restEvent({ headers: { Accept: ['a/b', 'c/d'] } }), identity);
    expect(req.headers.accept).toBe('a/b,c/d');
  });

  it('reads the single-value query parameters when the multi-value ones are absent', () => {
    // Prepare: some test tools and older integrations fill in only queryStringParameters
    const event = restEvent({ query: [['status', 'Active']] });
    event.multiValueQueryStringParameters = null;
    // Act & Assess
    expect(toRequest(event, identity).query).toEqual([['status', 'Active']]);
  });

  it.each([
    { raw: '/item/a%20b', path: '/item/a b' },
    { raw: '/item/%2541', path: '/item/%41' },
    { raw: '/items/', path: '/items' },
    { raw: '/items//', path: '/items' },
  ])('canonicalizes the raw path $raw of a greedy resource to $path', ({ raw, path }) => {
    // Prepare
    const event = restEvent({ route: '/{proxy+}', params: { proxy: raw.slice(1) } });
    // Act & Assess
    expect(toRequest(event, identity).path).toBe(path);
  });
});

describe('toRequest, HTTP API v2 only', () => {
  it('reads repeated query keys from rawQueryString, not from the comma-joined parameters', () => {
    // Prepare
    const event = httpEvent({
      query: [
        ['status', 'a'],
        ['status', 'b,c'],
      ],
    });
    // Act & Assess
    expect(event.queryStringParameters).toEqual({ status: 'a,b,c' });
    expect(toRequest(event, identity).query).toEqual([
      ['status', 'a'],
      ['status', 'b,c'],
    ]);
  });

  it('records the stage and the raw path for next links', () => {
    const req = toRequest(httpEvent({ route: '/items', stage: 'prod' }), identity);
    expect(req).toMatchObject({ stage: 'prod', publicPath: '/prod/items', path: '/items' });
  });

  it.each([
    { sent: 'a%20b', publicPath: '/prod/items/name/a%20b' },
    { sent: 'x%2Fy', publicPath: '/prod/items/name/x%2Fy' },
    { sent: '%2541', publicPath: '/prod/items/name/%2541' },
    { sent: 'caf%C3%A9', publicPath: '/prod/items/name/caf%C3%A9' },
  ])(
    're-encodes the parameters HTTP APIs decoded in rawPath ($sent), so a next link leads back',
    ({ sent, publicPath }) => {
      // Prepare: the client sent /prod/items/name/<sent>; rawPath arrives decoded
      const event = httpEvent({
        route: '/items/{search_key}/{search_value}',
        params: { search_key: 'name', search_value: sent },
        stage: 'prod',
      });
      // Act & Assess
      expect(toRequest(event, identity).publicPath).toBe(publicPath);
    },
  );

  it('keeps a custom-domain base path in the path for next links', () => {
    const event = httpEvent({ route: '/item/{id}', params: { id: 'a%20b' }, basePath: '/api' });
    expect(toRequest(event, identity).publicPath).toBe('/api/item/a%20b');
  });

  it.each([
    { stage: '$default', rawPath: '/items/', path: '/items' },
    { stage: 'prod', rawPath: '/prod/item/a1', path: '/item/a1' },
    { stage: 'prod', rawPath: '/prod/', path: '/' },
    { stage: '$default', rawPath: '/item/%41', path: '/item/%41' },
  ])('strips the stage $stage and a trailing slash from $rawPath on a $default route', ({ stage, rawPath, path }) => {
    // Prepare: a catch-all route carries no template to rebuild the path from
    const event = httpEvent({ routeKey: '$default', stage });
    event.rawPath = rawPath;
    // Act & Assess
    expect(toRequest(event, identity).path).toBe(path);
  });
});

describe('isHttpApiEvent', () => {
  it('tells the shapes apart by requestContext.http, not by rawPath', () => {
    // Prepare: a REST event behind a custom-domain base path mapping may also carry rawPath
    const rest = Object.assign(restEvent(), { rawPath: '/api/items' });
    // Act & Assess
    expect(isHttpApiEvent(rest)).toBe(false);
    expect(isHttpApiEvent(httpEvent())).toBe(true);
  });
});

describe.each(shapes)('bearerToken, $shape event', ({ event }) => {
  it.each<{ what: string; headers: Record<string, string>; token: string | undefined }>([
    { what: 'no Authorization header', headers: {}, token: undefined },
    { what: 'a bearer token', headers: { Authorization: 'Bearer a.b.c' }, token: 'a.b.c' },
    { what: 'the scheme in any case', headers: { authorization: 'bearer a.b.c' }, token: 'a.b.c' },
    { what: 'another scheme, which is not ours', headers: { Authorization: 'Basic dTpw' }, token: undefined },
  ])('reads $what', ({ headers, token }) => {
    expect(bearerToken(eventHeaders(event({ headers })))).toBe(token);
  });

  it.each([
    { what: 'a bearer header without a token', value: 'Bearer' },
    { what: 'a bearer header with two tokens', value: 'Bearer a.b.c d.e.f' },
  ])('answers 401 to $what', ({ value }) => {
    expect(
      answered(thrown(() => bearerToken(eventHeaders(event({ headers: { Authorization: value } }))))),
    ).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });

  it('answers 401 to a header sent twice', () => {
    const err = thrown(() =>
      bearerToken(eventHeaders(event({ headers: { Authorization: ['Bearer a.b.c', 'Bearer d.e.f'] } }))),
    );
    // HTTP APIs join the two lines with a comma: one header holding two tokens
    expect(answered(err)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe.each(shapes)('toRequest with token verification on, $shape event', ({ event }) => {
  const verifying = identityFrom({
    OIDC_JWKS_URL: 'https://idp.example.com/jwks',
    OIDC_ISSUER: 'https://idp.example.com/',
    OIDC_AUDIENCE: 'web',
  });

  it('takes the JWT caller from the verified claims', () => {
    const req = toRequest(event(), verifying, { sub: 'u-1', 'cognito:groups': ['vets'] });
    expect(req.caller).toMatchObject({ kind: 'jwt', id: 'u-1', groups: ['vets'] });
  });

  it('ignores authorizer claims in the requestContext, which Scoutr cannot check', () => {
    const req = toRequest(event({ claims: { sub: 'admin' } }), verifying);
    expect(req.caller).toEqual(expect.objectContaining({ kind: 'anonymous' }));
  });

  it('prefers the verified claims over the requestContext claims', () => {
    const req = toRequest(event({ claims: { sub: 'admin' } }), verifying, { sub: 'u-1' });
    expect(req.caller).toMatchObject({ kind: 'jwt', id: 'u-1' });
  });

  it('ignores verified claims when verification is off (nothing else hands them in)', () => {
    const req = toRequest(event({ claims: { sub: 'u-2' } }), identity, { sub: 'u-1' });
    expect(req.caller).toMatchObject({ kind: 'jwt', id: 'u-2' });
  });
});

it('ignores a REST custom authorizer principal with token verification on', () => {
  const verifying = identityFrom({
    OIDC_JWKS_URL: 'https://idp.example.com/jwks',
    OIDC_ISSUER: 'https://idp.example.com/',
    OIDC_AUDIENCE: 'web',
  });
  const req = toRequest(restEvent({ authorizer: { principalId: 'admin' }, apiKeyId: 'key-1' }), verifying);
  expect(req.caller).toMatchObject({ kind: 'api_key', id: 'key-1' });
});
