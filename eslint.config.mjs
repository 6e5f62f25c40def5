// ESLint 9 flat config: typescript-eslint's type-checked rules (promises first), import cycles
// and the layer rules of docs/STYLE (apps wire, libs think; libs talk through their barrels;
// inference -> scheduler -> runtime -> devices, metrics listens).
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Globals of the few plain .js files (TypeScript files need none: the compiler checks names).
const NODE_GLOBALS = Object.fromEntries(
  [
    'require',
    'module',
    'exports',
    'process',
    'console',
    '__dirname',
    '__filename',
    'globalThis',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'Buffer',
    'URL',
  ].map((n) => [n, 'readonly']),
);
const BROWSER_GLOBALS = Object.fromEntries(
  [
    'window',
    'document',
    'fetch',
    'console',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'EventSource',
    'WebSocket',
    'location',
    'URL',
    'URLSearchParams',
    'performance',
    'requestAnimationFrame',
    'Intl',
  ].map((n) => [n, 'readonly']),
);

/**
 * What each lib may import from the other libs, through their barrels only (lowest layer first).
 * A lib missing from a list is a layer above it, or one that listens (metrics) or is only wired
 * by the app (jobs).
 */
const LAYERS = {
  common: [],
  config: ['common'],
  devices: ['common', 'config'],
  runtime: ['common', 'config', 'devices'],
  models: ['common', 'config', 'devices', 'runtime'],
  rollouts: ['common', 'config', 'devices', 'runtime', 'models'],
  scheduler: ['common', 'config', 'devices', 'runtime', 'models'],
  security: ['common', 'config'],
  inference: ['common', 'config', 'devices', 'runtime', 'models', 'scheduler', 'rollouts', 'security'],
  jobs: ['common', 'config', 'devices', 'runtime', 'models', 'scheduler', 'rollouts', 'inference', 'security'],
  metrics: ['common', 'config', 'devices', 'runtime', 'models', 'scheduler'],
};
/** Libs added by the parallel work of issue 16 (they take the layer of what they sit beside). */
const EXTRA_LIBS = {
  simulator: ['common', 'config', 'devices', 'runtime', 'models', 'scheduler'],
  cluster: ['common', 'config', 'devices', 'runtime', 'models', 'scheduler'],
  grpc: ['common', 'config', 'devices', 'runtime', 'models', 'scheduler', 'rollouts', 'inference', 'security'],
  openapi: ['common', 'config', 'devices', 'runtime', 'models', 'scheduler', 'rollouts', 'inference', 'jobs', 'security'],
};

function barrel(lib) {
  return `./${lib}/src/index.ts`;
}

/** One zone per lib: from libs/, only its own files and the barrels of the layers below. */
function layerZones(layers) {
  return Object.entries(layers).map(([lib, allowed]) => ({
    target: `./libs/${lib}/src`,
    from: './libs',
    except: [`./${lib}`, ...allowed.map(barrel)],
    message: `libs/${lib} may import only its own files and the barrels (@switchyard/*) of: ${allowed.join(', ') || 'none'}`,
  }));
}

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'models/**', 'coverage/**', 'bench/results/**', 'tmp/**', '.build/**', 'test-artifacts/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'], tsconfig: { configFile: 'tsconfig.json' } }),
      ],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An async method that implements a Promise contract without awaiting is fine: async keeps
      // a synchronous throw a rejection.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
          message: 'no committed .only tests',
        },
      ],
    },
  },
  {
    // Libs: no app, bench or client code; other libs only through their barrels; one-way layers.
    files: ['libs/**/*.ts'],
    ignores: ['libs/**/*.spec.ts', 'libs/**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@switchyard/*/**'], message: 'import another lib through its barrel (@switchyard/<lib>); testing/ is for specs' },
            { regex: '(^\\.{1,2}/|/)testing(/|$)', message: 'production code never imports test helpers (testing/)' },
            {
              regex: '^(\\.\\./)+(apps|bench|clients|test|scripts)(/|$)',
              message: 'a lib never imports apps/, bench/, clients/, test/ or scripts/',
            },
          ],
        },
      ],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './libs',
              from: ['./apps', './bench', './clients', './test', './scripts'],
              message: 'a lib never imports apps/, bench/, clients/, test/ or scripts/',
            },
            ...layerZones({ ...LAYERS, ...EXTRA_LIBS }),
          ],
        },
      ],
    },
  },
  {
    // Specs and test helpers beside a lib may use the layers above it as fixtures (the demo
    // models, the repository), still through barrels, and the shared test support.
    files: ['libs/**/*.spec.ts', 'libs/**/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@switchyard/*/**', '!@switchyard/*/testing'], message: 'import another lib through its barrel (@switchyard/<lib>)' },
            { regex: '^(\\.\\./)+(apps|bench|clients)(/|$)', message: 'a lib spec never imports apps/, bench/ or clients/' },
          ],
        },
      ],
    },
  },
  {
    // Apps, scripts and clients use libs through their barrels only (the public API).
    files: ['apps/**/*.ts', 'scripts/**/*.ts', 'clients/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@switchyard/*/**'], message: 'import a lib through its barrel (@switchyard/<lib>): its public API' },
            { regex: '^(\\.\\./)+libs/', message: 'import a lib through its barrel (@switchyard/<lib>): its public API' },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks use libs through their barrels too, and may reach a lib's internals
    // through its testing/ entry (@switchyard/<lib>/testing).
    files: ['bench/**/*.ts', 'test/**/*.ts', 'apps/**/*.spec.ts', 'scripts/**/*.spec.ts', 'clients/**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@switchyard/*/**', '!@switchyard/*/testing'], message: 'import a lib through its barrel (@switchyard/<lib>)' },
            {
              regex: '^(\\.\\./)+libs/[^/]+/src/(?!testing/)',
              message: 'import a lib through its barrel (@switchyard/<lib>), or its testing/ helpers',
            },
          ],
        },
      ],
    },
  },
  {
    // Specs read untyped JSON from real HTTP answers, Redis and child processes and assert its
    // shape: the any-propagation rules (meant to keep untyped data out of typed code) would only
    // ask for casts there. Production code keeps them all.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', '**/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain CommonJS scripts (the test runner and its jest shim) and the status page's browser script.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: NODE_GLOBALS },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['libs/metrics/src/status-page/assets/**/*.js'],
    languageOptions: { sourceType: 'script', globals: BROWSER_GLOBALS },
  },
);
