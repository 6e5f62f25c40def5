/**
 * Writes a manifest (sha256 of every file) for each model version of a repository, signed with
 * an ed25519 private key when one is given:
 *   npm run model:sign -- <repository> [--key <private key PEM>] [--model <name>]...
 * The server checks them under SWITCHYARD_MODEL_TRUST=digest|signed (see docs/security.md).
 */
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeManifest } from '@switchyard/models';

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  let keyFile: string | undefined;
  const only: string[] = [];
  const positional: string[] = [];
  while (args.length) {
    const arg = args.shift()!;
    if (arg === '--key') keyFile = args.shift();
    else if (arg === '--model') only.push(args.shift() ?? '');
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new Error('usage: sign-models <repository> [--key <ed25519 private key PEM>] [--model <name>]...');
  const repository = positional[0];
  const key = keyFile ? createPrivateKey(readFileSync(keyFile)) : undefined;
  if (key && key.asymmetricKeyType !== 'ed25519') throw new Error(`${keyFile} holds a ${key.asymmetricKeyType} key, not ed25519`);
  const models = readdirSync(repository).filter(
    (m) => statSync(join(repository, m)).isDirectory() && !m.startsWith('.') && (only.length === 0 || only.includes(m)),
  );
  for (const model of models.sort()) {
    for (const version of readdirSync(join(repository, model))
      .filter((v) => /^\d+$/.test(v))
      .sort()) {
      const manifest = await writeManifest(repository, model, version, key);
      console.log(
        `${model}@${version}: ${Object.keys(manifest.files).length} file(s)${manifest.signature ? `, signed by ${manifest.signature.key_id}` : ', unsigned'}`,
      );
    }
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
