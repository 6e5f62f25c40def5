#!/usr/bin/env node
/**
 * Finds the compiled specs and runs them with Node's test runner (see jest-compat.js for why).
 *   node test/run-tests.js [unit|e2e|all] [path-substring...]
 * SWITCHYARD_DIST_DIR picks the compiled tree (default dist/).
 */
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const { join, resolve, relative } = require('node:path');

const root = resolve(__dirname, '..');
const dist = resolve(root, process.env.SWITCHYARD_DIST_DIR || 'dist');
const [kind = 'all', ...filters] = process.argv.slice(2);
const patterns = { unit: /\.spec\.js$/, e2e: /\.e2e-spec\.js$/ };
const wanted = kind === 'all' ? [patterns.unit, patterns.e2e] : [patterns[kind]];
if (!wanted[0]) {
  console.error(`unknown kind "${kind}": use unit, e2e or all`);
  process.exit(2);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

const files = ['apps', 'libs', 'clients', 'bench', 'scripts', 'test']
  .map((d) => join(dist, d))
  .filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  })
  .flatMap((d) => walk(d, []))
  .filter((f) => wanted.some((p) => p.test(f)))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(dist, f).includes(s)))
  .sort((a, b) => Number(patterns.e2e.test(a)) - Number(patterns.e2e.test(b)) || a.localeCompare(b));

if (files.length === 0) {
  console.error(
    `no ${kind} specs found under ${dist}${filters.length ? ` matching ${filters.join(', ')}` : ''}: build first (npm run build)`,
  );
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // --test-force-exit: a spec whose tests are done exits even if it left a handle open (a client
  // of a failed test that keeps reconnecting), instead of holding the whole run forever
  [
    '--require',
    join(__dirname, 'jest-compat.js'),
    '--enable-source-maps',
    '--test',
    '--test-concurrency=1',
    '--test-force-exit',
    '--test-reporter=spec',
    ...files,
  ],
  // the specs load the app's config, which refuses unknown SWITCHYARD_* variables
  { stdio: 'inherit', cwd: root, env: { ...process.env, SWITCHYARD_DIST_DIR: undefined } },
);
process.exit(result.status ?? 1);
