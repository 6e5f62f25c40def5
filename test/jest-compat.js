/**
 * Runs jest-style specs (describe/it/expect/beforeAll...) on Node's own test runner.
 *
 * Why: @nestjs/* 12 ship as ES modules. Node >= 20.19 require()s them natively, but Jest's module
 * sandbox cannot (before Node 24.9), so the suites run on node:test over the compiled tree, the
 * same files production runs. This file is preloaded with `node --require`; it maps the Jest
 * globals onto node:test and `expect` (Jest's own matcher library).
 */
const test = require('node:test');
const { expect } = require('expect');

// A spec file runs in a child process that streams its results to the runner over stdout, a pipe.
// --test-force-exit ends that child with process.exit(), and on Linux pipe writes are asynchronous:
// the last results still buffered were lost and the run passed with fewer tests than ran (seen on
// Node 24: 16 of a file's 48 verdicts gone, exit code 0; nodejs/node#64833). Blocking writes leave
// nothing buffered, the same idiom Node uses for TTYs before exit.
if (process.env.NODE_TEST_CONTEXT === 'child-v8' && !process.stdout.isTTY) process.stdout._handle?.setBlocking?.(true);

// The node:test context of the running `it` body, so that a helper can mark it skipped through the
// runner (test/support/requirements.ts) without every spec threading `t` through jest's signature.
// Tests of a file run one at a time, so a variable is enough (an AsyncLocalStorage would slow
// every promise of the in-process server under test on Node 20).
let currentTest;
globalThis[Symbol.for('switchyard.currentTest')] = () => currentTest;

// A test or hook that hangs fails after this long instead of holding the whole run; one given its
// own timeout keeps it. Generous: the machines running the suite are often loaded. (Node 20's
// --test-timeout would bound each spec file as a whole, not each test.)
const DEFAULT_TIMEOUT_MS = 120_000;

function timeoutOption(timeout) {
  return { timeout: typeof timeout === 'number' ? timeout : DEFAULT_TIMEOUT_MS };
}

function format(title, args, index) {
  let i = 0;
  const values = Array.isArray(args) ? args : [args];
  return title
    .replace(/%[sdifjop#%]/g, (token) => {
      if (token === '%%') return '%';
      if (token === '%#') return String(index);
      const v = values[i++];
      return token === '%j' || token === '%o' || token === '%p' ? JSON.stringify(v) : String(v);
    })
    .replace(/\$(\w+)/g, (m, key) => (values[0] && typeof values[0] === 'object' && key in values[0] ? String(values[0][key]) : m));
}

function makeEach(register) {
  return (table) => (title, fn, timeout) =>
    table.forEach((row, index) => {
      const args = Array.isArray(row) ? row : [row];
      register(format(title, row, index), (...rest) => fn(...args, ...rest), timeout);
    });
}

// afterEach hooks are run by the `it` wrapper itself, innermost describe first, not by node:test:
// Node 20 skips them for a test that called t.skip() at run time (a WebGPU test that finds no
// device), which would leave that test's app or pool open and the spec process hanging.
// Describe bodies run synchronously at registration, so a stack tracks the enclosing scopes.
const scopes = [{ afterEach: [] }];

function callback(fn) {
  // jest's done-callback style: fn(done)
  return fn.length > 0 ? () => new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve()))) : () => fn();
}

async function runWithAfterEach(run, chain) {
  let failure;
  let failed = false;
  try {
    await run();
  } catch (err) {
    failure = err;
    failed = true;
  }
  for (const scope of [...chain].reverse()) {
    for (const hook of scope.afterEach) {
      try {
        await callback(hook)();
      } catch (err) {
        if (!failed) failure = err;
        failed = true;
      }
    }
  }
  if (failed) throw failure;
}

function makeIt(base) {
  const it = (name, fn, timeout) => {
    const options = timeoutOption(timeout);
    if (!fn) return base(name, { todo: true });
    const chain = scopes.slice();
    const run = callback(fn);
    return base(name, options, async (t) => {
      currentTest = t;
      try {
        await runWithAfterEach(run, chain);
      } finally {
        currentTest = undefined;
      }
    });
  };
  it.each = makeEach(it);
  it.skip = (name) => base(name, { skip: true }, () => {});
  it.skip.each = (table) => (title) => table.forEach((row, i) => it.skip(format(title, row, i)));
  it.todo = (name) => base(name, { todo: true });
  it.only = it; // committed .only tests are not allowed; run normally
  return it;
}

function scoped(fn) {
  return (...args) => {
    scopes.push({ afterEach: [] });
    try {
      return fn(...args);
    } finally {
      scopes.pop();
    }
  };
}

const describe = (name, fn) => test.describe(name, scoped(fn));
describe.each = makeEach((title, fn) => test.describe(title, scoped(fn)));
describe.skip = (name, fn) => test.describe(name, { skip: true }, fn);
describe.skip.each = (table) => (title, fn) => table.forEach((row, i) => describe.skip(format(title, row, i), () => fn(...[].concat(row))));
describe.only = describe;

const it = makeIt(test.it);
const hook = (base) => (fn, timeout) => base(fn, timeoutOption(timeout));

Object.assign(globalThis, {
  describe,
  it,
  test: it,
  expect,
  beforeAll: hook(test.before),
  afterAll: hook(test.after),
  beforeEach: hook(test.beforeEach),
  afterEach: (fn) => scopes[scopes.length - 1].afterEach.push(fn),
  jest: {
    setTimeout() {},
    fn: () => {
      throw new Error('jest.fn is not available: tests here use real parts, not mocks');
    },
  },
});
