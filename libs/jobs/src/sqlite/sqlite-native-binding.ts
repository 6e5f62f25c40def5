import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The better-sqlite3 addon for the running Node's ABI. One node_modules serves two Node majors
 * in CI (20 and 24): `scripts/build-sqlite-abi.sh` builds the second one's addon into
 * `.native/better-sqlite3/abi-<NODE_MODULE_VERSION>/` at the repository root (beside dist/).
 * Undefined: the package's own build (the Node that ran npm ci, as in the Docker images).
 */
export function sqliteNativeBinding(root = resolve(__dirname, '..', '..', '..', '..', '..')): string | undefined {
  const path = resolve(root, '.native', 'better-sqlite3', `abi-${process.versions.modules}`, 'better_sqlite3.node');
  return existsSync(path) ? path : undefined;
}
