import { ConfigError, EnvSchema, parseEnv } from '../../src/config';
import { thrown } from '../support/errors';

// docs/reference/configuration.md#the-server: DEFAULT_ROLE and ANONYMOUS_ROLE (docs/reference/permissions.md#roles).

const base = { DATA_TABLE: 'd', AUTH_TABLE: 'a', GROUP_TABLE: 'g' };

describe('DEFAULT_ROLE and ANONYMOUS_ROLE', () => {
  it('are unset unless given', () => {
    // Act
    const config = parseEnv(EnvSchema, base);
    // Assess
    expect(config.DEFAULT_ROLE).toBeUndefined();
    expect(config.ANONYMOUS_ROLE).toBeUndefined();
  });

  it('name auth record ids', () => {
    const config = parseEnv(EnvSchema, { ...base, DEFAULT_ROLE: 'signed-in', ANONYMOUS_ROLE: 'public' });
    expect({ d: config.DEFAULT_ROLE, a: config.ANONYMOUS_ROLE }).toEqual({ d: 'signed-in', a: 'public' });
  });

  it('count an empty value as unset, as a shell `DEFAULT_ROLE= cmd` means', () => {
    // the deploy passes '' when the stage sets no role
    const config = parseEnv(EnvSchema, { ...base, DEFAULT_ROLE: '', ANONYMOUS_ROLE: '' });
    expect(config.DEFAULT_ROLE).toBeUndefined();
    expect(config.ANONYMOUS_ROLE).toBeUndefined();
  });
});

it('names a bad variable without its value', () => {
  // Act
  const err = thrown(() => parseEnv(EnvSchema, { ...base, AUTH_CACHE_SECONDS: 'soon-secret' }));
  // Assess
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toContain('AUTH_CACHE_SECONDS');
  expect((err as Error).message).not.toContain('soon-secret');
});
