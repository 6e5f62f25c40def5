import { ConfigValidationError } from '../errors/config-validation.error';
import { parseAuthText } from './read-auth-file';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

function problemsOf(text: string): string[] {
  try {
    parseAuthText(text, 'auth.yaml');
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
  throw new Error('the text was accepted');
}

describe(parseAuthText.name, () => {
  it('reads tenants, their key digests, scopes and limits (YAML)', () => {
    const sut = parseAuthText(
      [
        'tenants:',
        '  - name: shop',
        `    keys: ["${DIGEST}"]`,
        '    scopes: [inference, metadata]',
        '    limits: {requests_per_second: 50, burst: 100, max_priority: 2, models: ["mlp_*"]}',
      ].join('\n'),
      'auth.yaml',
    );
    expect(sut).toEqual([
      {
        name: 'shop',
        keyDigests: [DIGEST],
        scopes: ['inference', 'metadata'],
        limits: {
          requestsPerSecond: 50,
          burst: 100,
          maxInflight: undefined,
          maxPriority: 2,
          models: ['mlp_*'],
          devices: undefined,
          jobsQueued: undefined,
        },
      },
    ]);
  });

  it('reads the same file as JSON', () => {
    const sut = parseAuthText(JSON.stringify({ tenants: [{ name: 'a', keys: [DIGEST], scopes: ['jobs'] }] }), 'auth.json');
    expect(sut[0].scopes).toEqual(['jobs']);
  });

  it.each([
    ['a YAML syntax error', ['tenants:', '  - name: shop', '    keys: [unclosed'].join('\n'), 'auth.yaml:3:'],
    [
      'an unknown scope',
      ['tenants:', '  - name: shop', `    keys: ["${DIGEST}"]`, '    scopes:', '      - inference', '      - everything'].join('\n'),
      'auth.yaml:6: tenants.0.scopes.1',
    ],
    [
      'a raw key instead of a digest',
      ['tenants:', '  - name: shop', '    keys:', '      - my-secret-key', '    scopes: [inference]'].join('\n'),
      'auth.yaml:4: tenants.0.keys.0',
    ],
    [
      'a misspelt limit',
      ['tenants:', '  - name: shop', `    keys: ["${DIGEST}"]`, '    scopes: [inference]', '    limits:', '      max_inflght: 3'].join(
        '\n',
      ),
      'auth.yaml:6',
    ],
    [
      'a missing key list (the tenant line)',
      ['tenants:', '  - name: shop', '    scopes: [inference]'].join('\n'),
      'auth.yaml:2: tenants.0.keys',
    ],
    [
      'a key digest held by two tenants',
      [
        'tenants:',
        '  - name: a',
        `    keys: ["${DIGEST}"]`,
        '    scopes: [inference]',
        '  - name: b',
        `    keys: ["${OTHER}", "${DIGEST}"]`,
        '    scopes: [inference]',
      ].join('\n'),
      'auth.yaml:6: tenants.1.keys.1: this key digest belongs to another tenant too',
    ],
    [
      'a duplicate tenant name',
      [
        'tenants:',
        '  - {name: a, keys: ["' + DIGEST + '"], scopes: [jobs]}',
        '  - {name: a, keys: ["' + OTHER + '"], scopes: [jobs]}',
      ].join('\n'),
      'auth.yaml:3: tenants.1.name: tenant "a" is listed twice',
    ],
    ['no tenants', 'tenants: []', 'auth.yaml:1: tenants'],
  ])('refuses %s, naming the line', (_what, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.some((p) => p.includes(`SWITCHYARD_AUTH_FILE: ${expected}`))).toBe(true);
  });
});
