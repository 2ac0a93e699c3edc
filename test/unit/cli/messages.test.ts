import { messageOf } from '../../../src/cli/main';

// A command run outside `scoutr dev` with no AWS credentials gets the SDK's bare "Could not load credentials from any
// providers"; the message says which variables reach a local DynamoDB (docs/reference/configuration.md#the-command-line).
it('says how to reach a local DynamoDB when the default chain has no credentials', () => {
  const err = Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });
  const message = messageOf(err);
  expect(message).toMatch(/^CredentialsProviderError: Could not load credentials from any providers: /);
  expect(message).toContain('DYNAMODB_ENDPOINT');
  expect(message).toContain('`scoutr dev` prints');
});

it('keeps any other SDK error as its name and message', () => {
  const err = Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
  expect(messageOf(err)).toBe('ResourceNotFoundException: Requested resource not found');
});
