/**
 * Generates the demo model repository deterministically (same bytes on every machine).
 *   node dist/scripts/generate-models.js [--out models] [--force] [--only mlp_tiny,cnn_small]
 */
import { resolve } from 'node:path';
import { writeDemoModels } from '@switchyard/models';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = resolve(value('--out') ?? process.env.SWITCHYARD_MODEL_REPOSITORY ?? 'models');
  const only = value('--only')?.split(',');
  const written = await writeDemoModels(out, { force: args.includes('--force'), only, log: (l) => console.log(l) });
  console.log(written.length ? `demo models ready in ${out}` : `demo models up to date in ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
