import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { publicKeyId } from '@switchyard/common';

/** Written in each version folder: <repository>/<model>/<version>/switchyard-manifest.json. */
export const MANIFEST_FILE = 'switchyard-manifest.json';
const FORMAT = 'switchyard-model-manifest/v1';

/**
 * A model version's manifest: the sha256 of every file that makes it (its model folder's
 * config.json and everything under the version folder, paths relative to the model folder) and,
 * optionally, an ed25519 signature over them (after OpenSSF model signing: a signed list of
 * per-file digests).
 */
export interface ModelManifest {
  format: typeof FORMAT;
  model: string;
  version: string;
  files: Record<string, string>;
  signature?: { algorithm: 'ed25519'; key_id: string; value: string };
}

/** A path of a model that points outside the repository, or is not a plain file or folder. */
export class UntrustedPathError extends Error {
  override readonly name = 'UntrustedPathError';
}

/** The bytes a manifest signature covers: canonical JSON of everything but the signature. */
export function manifestPayload(manifest: Pick<ModelManifest, 'model' | 'version' | 'files'>): Buffer {
  const files = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return Buffer.from(JSON.stringify({ format: FORMAT, model: manifest.model, version: manifest.version, files }), 'utf8');
}

/**
 * The digests of a version's files, refusing anything that escapes the repository (a symlink
 * out of it) or is neither a file nor a folder.
 */
export async function digestVersion(repository: string, model: string, version: string): Promise<Record<string, string>> {
  const root = await realpath(repository);
  const modelDir = join(repository, model);
  const files: Record<string, string> = {};
  const add = async (path: string): Promise<void> => {
    const info = await lstat(path);
    const name = relative(modelDir, path).split(sep).join('/');
    const real = await realpath(path);
    const inside = relative(root, real);
    if (inside.startsWith('..') || isAbsolute(inside)) throw new UntrustedPathError(`${name} points outside the repository (${real})`);
    const target = info.isSymbolicLink() ? await lstat(real) : info;
    if (target.isDirectory()) {
      for (const entry of (await readdir(path)).sort()) {
        if (!(path === join(modelDir, version) && entry === MANIFEST_FILE)) await add(join(path, entry));
      }
    } else if (target.isFile()) {
      files[name] = await fileDigest(path);
    } else {
      throw new UntrustedPathError(`${name} is not a plain file`);
    }
  };
  if (await lstat(join(modelDir, 'config.json')).then(() => true, () => false)) await add(join(modelDir, 'config.json'));
  await add(join(modelDir, version));
  return files;
}

/** Writes the manifest of one version, signed when `privateKey` is given; returns it. */
export async function writeManifest(repository: string, model: string, version: string, privateKey?: KeyObject): Promise<ModelManifest> {
  const files = await digestVersion(repository, model, version);
  const manifest: ModelManifest = { format: FORMAT, model, version, files };
  if (privateKey) {
    manifest.signature = { algorithm: 'ed25519', key_id: publicKeyId(privateKey), value: sign(null, manifestPayload(manifest), privateKey).toString('base64') };
  }
  await writeFile(join(repository, model, version, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Why a version may not be loaded under `mode`, or undefined when it may: no or malformed
 * manifest, a file changed, added or missing, a path out of the repository, and under `signed`
 * a missing signature or one no trusted key made.
 */
export async function manifestRefusal(
  repository: string,
  model: string,
  version: string,
  mode: 'digest' | 'signed',
  trustedKeys: readonly KeyObject[],
): Promise<string | undefined> {
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(await readFile(join(repository, model, version, MANIFEST_FILE), 'utf8')) as ModelManifest;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return missing ? `no ${MANIFEST_FILE} (SWITCHYARD_MODEL_TRUST=${mode}; write one with npm run model:sign)` : `${MANIFEST_FILE} is not valid JSON`;
  }
  if (manifest.format !== FORMAT || manifest.model !== model || manifest.version !== version || typeof manifest.files !== 'object' || !manifest.files) {
    return `${MANIFEST_FILE} is not a manifest of ${model} version ${version}`;
  }
  let actual: Record<string, string>;
  try {
    actual = await digestVersion(repository, model, version);
  } catch (err) {
    return err instanceof UntrustedPathError ? `refused path: ${err.message}` : `cannot read the model's files: ${(err as Error).message}`;
  }
  for (const [file, digest] of Object.entries(manifest.files)) {
    if (actual[file] === undefined) return `${file} is listed in the manifest but missing`;
    if (actual[file] !== digest) return `${file} does not match its manifest digest`;
  }
  const extra = Object.keys(actual).filter((f) => manifest.files[f] === undefined);
  if (extra.length) return `${extra.join(', ')} not listed in the manifest`;
  if (mode === 'digest') return undefined;
  if (!manifest.signature) return 'the manifest is not signed (SWITCHYARD_MODEL_TRUST=signed)';
  const payload = manifestPayload(manifest);
  const signature = Buffer.from(manifest.signature.value ?? '', 'base64');
  if (!trustedKeys.some((key) => verify(null, payload, key, signature))) return `the manifest signature (key ${manifest.signature.key_id}) is not made by a trusted key`;
  return undefined;
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
