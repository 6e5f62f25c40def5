const NOISE = [
  /^\d+: /,
  /^at /,
  /^Node\.js v/,
  /^-+ .* -+$/,
  /^\^+$/,
  /^throw /,
  /^node:internal\//,
  /^- /,
  /^Require stack:/,
  /^\{ code:/,
  /^=== /,
];
const TELLING = /error|fail|abort|assert|fatal|cannot|segmentation|no such|not found/i;

/**
 * The line of a crashed probe child's stderr that best says why: the first one that reads like
 * an error, else the last meaningful one. Stack frames and Node's boilerplate are skipped.
 */
export function summarizeStderr(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    // eslint-disable-next-line no-control-regex -- ESC starts the ANSI colour codes this strips
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim())
    .filter((l) => l && !NOISE.some((n) => n.test(l)));
  return lines.find((l) => TELLING.test(l)) ?? lines.pop();
}
