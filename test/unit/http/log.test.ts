import { errorFields, jsonLogger, type Level } from '../../../src/http/log';

// The request log: one JSON object per line, fixed keys first, `debug` off unless LOG_LEVEL=debug.

function capture(level?: Level) {
  const lines: string[] = [];
  const log = jsonLogger(level, (l) => lines.push(l));
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

describe('jsonLogger', () => {
  it('writes one JSON object per call, on one line, with level, time and msg first', () => {
    // Prepare
    const { log, lines, parsed } = capture();
    // Act
    log.info('request', { requestId: 'r-1', note: 'two\nlines', nested: { a: 1 } });
    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    expect(Object.keys(parsed()[0]!).slice(0, 3)).toEqual(['level', 'time', 'msg']);
    expect(parsed()[0]).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msg: 'request',
      requestId: 'r-1',
      note: 'two\nlines',
      nested: { a: 1 },
    });
  });

  it.each([
    { level: undefined, written: ['info', 'warn', 'error'] },
    { level: 'debug', written: ['debug', 'info', 'warn', 'error'] },
    { level: 'info', written: ['info', 'warn', 'error'] },
    { level: 'warn', written: ['warn', 'error'] },
    { level: 'error', written: ['error'] },
    { level: 'silent', written: [] },
  ] as { level: Level | undefined; written: Level[] }[])(
    'at LOG_LEVEL=$level writes $written',
    ({ level, written }) => {
      // Prepare
      const { log, parsed } = capture(level);
      // Act
      for (const l of LEVELS) log[l](`a ${l} line`);
      // Assess
      expect(parsed().map((p) => p.level)).toEqual(written);
    },
  );

  it('writes to stdout by default', () => {
    // Prepare
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      // Act
      jsonLogger('info').warn('request denied', { requestId: 'r-2' });
      // Assess
      expect(write).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(write.mock.calls[0]![0]))).toMatchObject({ level: 'warn', requestId: 'r-2' });
    } finally {
      write.mockRestore();
    }
  });
});

describe('errorFields', () => {
  it('keeps the kind, message, stack and cause of an error', () => {
    const err = new Error('outer', { cause: new TypeError('inner') });
    expect(errorFields(err)).toEqual({
      name: 'Error',
      message: 'outer',
      stack: expect.stringContaining('outer'),
      cause: 'TypeError: inner',
    });
  });

  it('leaves out whatever else an error carries (an SDK error can carry the request and the item)', () => {
    // Prepare
    const sdk = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      Item: { secret: { S: 'item-value-7c1' } },
      $metadata: { httpStatusCode: 400, requestId: 'aws-1' },
      $response: { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=…' } },
    });
    // Act
    const line = JSON.stringify(errorFields(sdk));
    // Assess
    expect(Object.keys(errorFields(sdk)).sort()).toEqual(['message', 'name', 'stack']);
    expect(line).not.toContain('item-value-7c1');
    expect(line).not.toContain('AWS4-HMAC');
  });

  it('turns anything thrown that is not an Error into its text', () => {
    expect(errorFields('plain')).toEqual({ message: 'plain' });
    expect(errorFields(42)).toEqual({ message: '42' });
  });
});
