import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes an executable `nvidia-smi` into a fresh temp folder that answers `-q -x` with the given
 * XML and `-L` with one line per GPU, like the real binary. Returns the folder, to put on PATH.
 * Tests only: there is no NVIDIA GPU on the development machine.
 */
export function writeFakeNvidiaSmi(xml: string, gpuLines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-fake-nvsmi-'));
  writeFileSync(join(dir, 'nvidia-smi.xml'), xml);
  const script = [
    '#!/bin/sh',
    `here=$(dirname "$0")`,
    'case "$*" in',
    '  "-q -x") cat "$here/nvidia-smi.xml" ;;',
    `  "-L") printf '%s\\n' ${gpuLines.map((l) => `'${l}'`).join(' ')} ;;`,
    '  *) echo "fake nvidia-smi: unsupported arguments: $*" >&2; exit 2 ;;',
    'esac',
  ].join('\n');
  writeFileSync(join(dir, 'nvidia-smi'), `${script}\n`);
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  return dir;
}
