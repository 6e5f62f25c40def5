// Tests run on the compiled tree (dist/), built by `npm run build` first: the worker pools load
// real worker files, which must be JavaScript, so tests and production run the same files.
const path = require('node:path');
const common = {
  rootDir: path.resolve(__dirname, process.env.SWITCHYARD_DIST_DIR || 'dist'),
  testEnvironment: 'node',
  moduleFileExtensions: ['js', 'json'],
};
module.exports = {
  reporters: ['default', path.join(__dirname, 'test/summary-reporter.js')],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench,scripts}/**/*.spec.js'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,test}/**/*.e2e-spec.js'], testTimeout: 120000 },
  ],
};
