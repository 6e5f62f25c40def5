/**
 * Runs jest-style specs (describe/it/expect/beforeAll...) on Node's own test runner.
 *
 * Why: @nestjs/* 12 ship as ES modules. Node >= 20.19 require()s them natively, but Jest's module
 * sandbox cannot (before Node 24.9), so the suites run on node:test over the compiled tree, the
 * same files production runs. This file is preloaded with `node --require`; it maps the Jest
 * globals onto node:test and `expect` (Jest's own matcher library).
 */
const { AsyncLocalStorage } = require('node:async_hooks');
const test = require('node:test');
const { expect } = require('expect');

// The node:test context of the running `it` body, so that a helper can mark it skipped through the
// runner (test/support/requirements.ts) without every spec threading `t` through jest's signature.
const currentTest = new AsyncLocalStorage();
globalThis[Symbol.for('switchyard.currentTest')] = () => currentTest.getStore();

function withTimeout(fn, timeout) {
  return [typeof timeout === 'number' ? { timeout } : {}, fn];
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

function makeIt(base) {
  const it = (name, fn, timeout) => {
    const [options, body] = withTimeout(fn, timeout);
    if (!body) return base(name, { todo: true });
    // jest's done-callback style: fn(done)
    const run = body.length > 0 ? () => new Promise((resolve, reject) => body((err) => (err ? reject(err) : resolve()))) : () => body();
    return base(name, options, (t) => currentTest.run(t, run));
  };
  it.each = makeEach(it);
  it.skip = (name) => base(name, { skip: true }, () => {});
  it.skip.each = (table) => (title) => table.forEach((row, i) => it.skip(format(title, row, i)));
  it.todo = (name) => base(name, { todo: true });
  it.only = it; // committed .only tests are not allowed; run normally
  return it;
}

const describe = (name, fn) => test.describe(name, fn);
describe.each = makeEach((title, fn) => test.describe(title, fn));
describe.skip = (name, fn) => test.describe(name, { skip: true }, fn);
describe.skip.each = (table) => (title, fn) => table.forEach((row, i) => describe.skip(format(title, row, i), () => fn(...[].concat(row))));
describe.only = describe;

const it = makeIt(test.it);
const hook = (base) => (fn, timeout) => base(fn, typeof timeout === 'number' ? { timeout } : {});

Object.assign(globalThis, {
  describe,
  it,
  test: it,
  expect,
  beforeAll: hook(test.before),
  afterAll: hook(test.after),
  beforeEach: hook(test.beforeEach),
  afterEach: hook(test.afterEach),
  jest: {
    setTimeout() {},
    fn: () => {
      throw new Error('jest.fn is not available: tests here use real parts, not mocks');
    },
  },
});
