import { ScoutrError } from '../../../src/core/errors';
import { toRequest } from '../../../src/http/event';
import { type IdentitySources, parseGroups, resolveCaller } from '../../../src/http/identity';
import { httpEvent, identityFrom, restEvent, shapes } from '../../factories/events';
import { answered, thrown } from '../../support/errors';

const trusting = identityFrom({ TRUST_OIDC_HEADERS: 'true' });
const untrusting = identityFrom({ TRUST_OIDC_HEADERS: 'false' });

const sources = (s: Partial<IdentitySources> & { headerList?: Record<string, string[]> } = {}): IdentitySources => ({
  jwtClaims: s.jwtClaims,
  customAuthorizer: s.customAuthorizer,
  headers: s.headers ?? new Map(Object.entries(s.headerList ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  apiKeyId: s.apiKeyId,
  sourceIp: s.sourceIp,
  userAgent: s.userAgent,
});

describe('resolveCaller precedence (docs/reference/identity.md#sources-in-order-of-precedence: JWT, custom authorizer, OIDC headers, API key)', () => {
  const jwt = { sub: 'jwt-user' };
  const authorizer = { principalId: 'authz-user' };
  const oidc = { 'Oidc-Claim-Sub': ['oidc-user'] };
  it.each([
    {
      sent: 'JWT claims, a custom authorizer, OIDC headers and an API key',
      src: { jwtClaims: jwt, customAuthorizer: authorizer, headerList: oidc, apiKeyId: 'k1' },
      want: { kind: 'jwt', id: 'jwt-user', apiKeyId: 'k1' },
    },
    {
      sent: 'a custom authorizer, OIDC headers and an API key',
      src: { customAuthorizer: authorizer, headerList: oidc, apiKeyId: 'k1' },
      want: { kind: 'authorizer', id: 'authz-user', apiKeyId: 'k1' },
    },
    {
      sent: 'OIDC headers and an API key',
      src: { headerList: oidc, apiKeyId: 'k1' },
      want: { kind: 'oidc', id: 'oidc-user', apiKeyId: 'k1' },
    },
    { sent: 'only an API key', src: { apiKeyId: 'k1' }, want: { kind: 'api_key', id: 'k1', apiKeyId: 'k1' } },
    { sent: 'nothing', src: {}, want: { kind: 'anonymous', groups: [] } },
  ])('picks the first source present when the request carries $sent', ({ src, want }) => {
    expect(resolveCaller(sources(src), trusting)).toMatchObject(want);
  });

  it('gives an anonymous caller no id', () => {
    expect(resolveCaller(sources(), trusting).id).toBeUndefined();
  });

  it('falls through to the API key when OIDC headers are not trusted', () => {
    const caller = resolveCaller(sources({ headerList: { 'Oidc-Claim-Sub': ['u'] }, apiKeyId: 'k1' }), untrusting);
    expect(caller).toMatchObject({ kind: 'api_key', id: 'k1' });
  });

  it('treats an empty user header as no OIDC identity', () => {
    const caller = resolveCaller(sources({ headerList: { 'Oidc-Claim-Sub': [''] }, apiKeyId: 'k1' }), trusting);
    expect(caller).toMatchObject({ kind: 'api_key', id: 'k1' });
  });

  it('records the source IP and user agent for every kind of caller', () => {
    const caller = resolveCaller(sources({ jwtClaims: jwt, sourceIp: '192.0.2.1', userAgent: 'ua' }), trusting);
    expect(caller).toMatchObject({ sourceIp: '192.0.2.1', userAgent: 'ua' });
  });
});

describe('JWT claims', () => {
  it.each([
    { claims: { sub: 'u1' }, want: { id: 'u1', username: 'u1' } },
    // never preferred_username: not unique, and often the user's to edit (docs/reference/identity.md#what-each-source-gives)
    { claims: { sub: 'u1', preferred_username: 'pref' }, want: { id: 'u1', username: 'u1' } },
    {
      claims: { sub: 'u1', preferred_username: 'pref', 'cognito:username': 'cog' },
      want: { id: 'u1', username: 'cog' },
    },
    { claims: { sub: 'u1', name: 'Ann Lee' }, want: { name: 'Ann Lee' } },
  ])('names the user from $claims', ({ claims, want }) => {
    expect(resolveCaller(sources({ jwtClaims: claims }), trusting)).toMatchObject({ kind: 'jwt', ...want });
  });

  it.each([
    { verified: true, email: 'a@example.com' },
    { verified: 'true', email: 'a@example.com' },
    { verified: false, email: undefined },
    { verified: 'false', email: undefined },
    { verified: undefined, email: undefined },
  ])('takes the email only when email_verified is true (email_verified: $verified)', ({ verified, email }) => {
    // Prepare
    const claims = {
      sub: 'u1',
      email: 'a@example.com',
      ...(verified === undefined ? {} : { email_verified: verified }),
    };
    // Act
    const caller = resolveCaller(sources({ jwtClaims: claims }), trusting);
    // Assess
    expect(caller.email).toBe(email);
  });

  it.each([
    { claim: ['a', 'b'], groups: ['a', 'b'] },
    { claim: '[a b]', groups: ['a', 'b'] },
    { claim: '["a","b"]', groups: ['a', 'b'] },
    { claim: 'a,b', groups: ['a', 'b'] },
    { claim: 'a', groups: ['a'] },
    { claim: undefined, groups: [] },
  ])('reads the groups claim $claim', ({ claim, groups }) => {
    const claims = { sub: 'u1', ...(claim === undefined ? {} : { 'cognito:groups': claim }) };
    expect(resolveCaller(sources({ jwtClaims: claims }), trusting).groups).toEqual(groups);
  });

  it('reads the user and groups from the claims JWT_USER_CLAIM and JWT_GROUPS_CLAIM name', () => {
    // Prepare
    const cfg = identityFrom({ JWT_USER_CLAIM: 'email', JWT_GROUPS_CLAIM: 'roles' });
    const claims = { sub: 's', email: 'e@example.com', roles: ['r1'], 'cognito:groups': ['ignored'] };
    // Act
    const caller = resolveCaller(sources({ jwtClaims: claims }), cfg);
    // Assess
    expect(caller).toMatchObject({ kind: 'jwt', id: 'e@example.com', groups: ['r1'] });
  });
});

describe('REST custom authorizer', () => {
  it('takes the user from principalId and the rest from its context', () => {
    // Prepare
    const auth = { principalId: 'p1', username: 'pat', email: 'p@example.com', name: 'Pat', groups: 'g1, g2' };
    // Act
    const caller = resolveCaller(sources({ customAuthorizer: auth }), trusting);
    // Assess
    expect(caller).toEqual({
      kind: 'authorizer',
      id: 'p1',
      username: 'pat',
      email: 'p@example.com',
      name: 'Pat',
      groups: ['g1', 'g2'],
    });
  });

  it('uses the principalId as username when the context has none', () => {
    expect(resolveCaller(sources({ customAuthorizer: { principalId: 'p1' } }), trusting)).toMatchObject({
      username: 'p1',
      groups: [],
    });
  });

  it('is no identity without a principalId', () => {
    expect(resolveCaller(sources({ customAuthorizer: { groups: 'g' }, apiKeyId: 'k' }), trusting).kind).toBe('api_key');
  });
});

describe('OIDC headers', () => {
  it('reads user, name, email and groups from the default headers', () => {
    // Prepare
    const headerList = {
      'Oidc-Claim-Sub': ['u1'],
      'Oidc-Claim-Name': ['Ann Lee'],
      'Oidc-Claim-Mail': ['ann@example.com'],
      'Oidc-Claim-Groups': ['g1,g2'],
    };
    // Act
    const caller = resolveCaller(sources({ headerList }), trusting);
    // Assess
    expect(caller).toEqual({
      kind: 'oidc',
      id: 'u1',
      username: 'u1',
      name: 'Ann Lee',
      email: 'ann@example.com',
      groups: ['g1', 'g2'],
    });
  });

  it('reads the headers that OIDC_*_HEADER name, joining several name headers with spaces', () => {
    // Prepare
    const cfg = identityFrom({
      TRUST_OIDC_HEADERS: 'true',
      OIDC_USER_HEADER: 'X-User',
      OIDC_NAME_HEADER: 'X-First, X-Last',
      OIDC_EMAIL_HEADER: 'X-Mail',
      OIDC_GROUPS_HEADER: 'X-Groups',
    });
    const headerList = {
      'X-User': ['u1'],
      'X-First': ['Ann'],
      'X-Last': ['Lee'],
      'X-Mail': ['a@example.com'],
      'X-Groups': ['g'],
      'Oidc-Claim-Sub': ['ignored'],
    };
    // Act
    const caller = resolveCaller(sources({ headerList }), cfg);
    // Assess
    expect(caller).toMatchObject({ id: 'u1', name: 'Ann Lee', email: 'a@example.com', groups: ['g'] });
  });

  it.each(['Oidc-Claim-Sub', 'Oidc-Claim-Groups', 'Oidc-Claim-Mail', 'Oidc-Claim-Name'])(
    'answers 401 when the trusted header %s was sent twice',
    (name) => {
      // Prepare
      const headerList: Record<string, string[]> = { 'Oidc-Claim-Sub': ['u1'], [name]: ['a', 'b'] };
      // Act
      const err = thrown(() => resolveCaller(sources({ headerList }), trusting));
      // Assess
      expect(err).toBeInstanceOf(ScoutrError);
      expect(answered(err)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    },
  );

  it('ignores a repeated OIDC header when headers are not trusted', () => {
    const headerList = { 'Oidc-Claim-Sub': ['a', 'b'] };
    expect(resolveCaller(sources({ headerList, apiKeyId: 'k' }), untrusting)).toMatchObject({ kind: 'api_key' });
  });
});

describe.each(shapes)('identity from a $shape event', ({ shape, event }) => {
  it('reads JWT authorizer claims', () => {
    const req = toRequest(event({ claims: { sub: 'u1', 'cognito:groups': '[g1 g2]' } }), trusting);
    expect(req.caller).toMatchObject({ kind: 'jwt', id: 'u1', groups: ['g1', 'g2'] });
  });

  it.each(['Oidc-Claim-Sub', 'oidc-claim-sub', 'OIDC-CLAIM-SUB'])('matches the trusted header %s', (name) => {
    expect(toRequest(event({ headers: { [name]: 'u2' } }), trusting).caller).toMatchObject({ kind: 'oidc', id: 'u2' });
  });

  it('ignores OIDC headers unless TRUST_OIDC_HEADERS is true', () => {
    expect(toRequest(event({ headers: { 'Oidc-Claim-Sub': 'u2' } }), untrusting).caller).toEqual(
      expect.objectContaining({ kind: 'anonymous' }),
    );
  });

  it('never reads an x-api-key header as the API key id', () => {
    expect(toRequest(event({ headers: { 'x-api-key': 'k1' } }), trusting).caller.kind).toBe('anonymous');
  });

  it('answers 401 for a trusted header sent twice', () => {
    // HTTP APIs join a repeated header with a comma: only REST APIs can tell it was sent twice.
    if (shape !== 'REST v1') return;
    const err = thrown(() => toRequest(event({ headers: { 'Oidc-Claim-Sub': ['u1', 'u2'] } }), trusting));
    expect(answered(err)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

describe('identity from a REST v1 event only', () => {
  it('answers 401 for a trusted header sent twice under different cases', () => {
    // Header names are case-insensitive: these are two lines of one header, whatever keys the event uses.
    const event = restEvent({ headers: { 'Oidc-Claim-Sub': 'alice', 'oidc-claim-sub': 'mallory' } });
    const err = thrown(() => toRequest(event, trusting));
    expect(answered(err)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('reads a custom authorizer from requestContext.authorizer', () => {
    const event = restEvent({ authorizer: { principalId: 'p1', groups: 'a,b' }, apiKeyId: 'k1' });
    expect(toRequest(event, trusting).caller).toMatchObject({
      kind: 'authorizer',
      id: 'p1',
      groups: ['a', 'b'],
      apiKeyId: 'k1',
    });
  });

  it('takes the API key id from requestContext.identity when nothing else identifies the caller', () => {
    expect(toRequest(restEvent({ apiKeyId: 'k1' }), trusting).caller).toMatchObject({ kind: 'api_key', id: 'k1' });
  });

  it('records the API key id of a JWT caller without using it as the identity', () => {
    const caller = toRequest(restEvent({ apiKeyId: 'k1', claims: { sub: 'u1' } }), trusting).caller;
    expect(caller).toMatchObject({ kind: 'jwt', id: 'u1', apiKeyId: 'k1' });
  });
});

describe('identity from an HTTP API v2 event only', () => {
  it('reads a comma-joined groups header as a list', () => {
    const event = httpEvent({ headers: { 'Oidc-Claim-Sub': 'u1', 'Oidc-Claim-Groups': 'g1,g2' } });
    expect(toRequest(event, trusting).caller.groups).toEqual(['g1', 'g2']);
  });
});

describe('parseGroups', () => {
  it.each([
    { value: ['a', 'b'], groups: ['a', 'b'] },
    { value: [], groups: [] },
    { value: '[a b c]', groups: ['a', 'b', 'c'] },
    { value: '[]', groups: [] },
    { value: '["a", "b"]', groups: ['a', 'b'] },
    { value: 'a, b ,c', groups: ['a', 'b', 'c'] },
    { value: '[a, b]', groups: ['a', 'b'] },
    { value: 'a,,b', groups: ['a', 'b'] },
    { value: '', groups: [] },
    { value: 42, groups: [] },
    { value: null, groups: [] },
  ])('reads $value as $groups', ({ value, groups }) => {
    expect(parseGroups(value)).toEqual(groups);
  });
});
