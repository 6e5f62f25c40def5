/**
 * One remote tier: a KServe v2 server (another Switchyard, Triton, KServe) served as the device
 * `remote:<name>`. See docs/remote-tier.md.
 */
export interface RemoteDeviceConfig {
  /** The device is `remote:<name>`. */
  name: string;
  /** Base URL of the server, http(s)://host:port[/prefix], without a trailing slash. */
  url: string;
  /** Relative cost of one second there (SWITCHYARD_DEVICE_COSTS semantics). @defaultValue 1 */
  costWeight: number;
  /** Requests in flight to it at once. @defaultValue 8 */
  concurrency: number;
  /** Name of the environment variable holding its bearer token, when it needs one. */
  keyEnv?: string;
  /** The bearer token (read from `keyEnv` at start-up). */
  key?: string;
  /** Bound of one metadata call (model matching, probes), ms. @defaultValue 5000 */
  connectTimeoutMs: number;
}

export const REMOTE_DEFAULTS = { costWeight: 1, concurrency: 8, connectTimeoutMs: 5000 } as const;

const NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses SWITCHYARD_REMOTE_DEVICES: entries separated by commas or newlines, each
 * `<name>=<url>[;cost=<n>][;concurrency=<n>][;key_env=<VAR>][;connect_timeout_ms=<n>]`.
 * Returns the entries, or the problems (each names the entry it is about).
 */
export function parseRemoteDevices(text: string): { remotes: RemoteDeviceConfig[] } | { problems: string[] } {
  const remotes: RemoteDeviceConfig[] = [];
  const problems: string[] = [];
  for (const entry of text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const parsed = parseEntry(entry);
    if ('problem' in parsed) problems.push(`"${entry}": ${parsed.problem}`);
    else if (remotes.some((r) => r.name === parsed.remote.name))
      problems.push(`"${entry}": the name "${parsed.remote.name}" is used twice`);
    else remotes.push(parsed.remote);
  }
  return problems.length ? { problems } : { remotes };
}

function parseEntry(entry: string): { remote: RemoteDeviceConfig } | { problem: string } {
  const [head, ...options] = entry.split(';').map((s) => s.trim());
  const eq = head.indexOf('=');
  if (eq < 0) return { problem: 'expected <name>=<url>[;cost=<n>][;concurrency=<n>][;key_env=<VAR>][;connect_timeout_ms=<n>]' };
  const name = head.slice(0, eq).trim();
  const url = head
    .slice(eq + 1)
    .trim()
    .replace(/\/+$/, '');
  if (!NAME.test(name)) return { problem: `the name "${name}" is not 1 to 64 letters, digits, ".", "-" or "_"` };
  if (!/^https?:\/\/[^/\s]+/.test(url) || !URL.canParse(url)) return { problem: `"${url}" is not an http:// or https:// URL` };
  const remote: RemoteDeviceConfig = { name, url, ...REMOTE_DEFAULTS };
  for (const option of options.filter(Boolean)) {
    const [key, value = ''] = option.split('=').map((s) => s.trim());
    const n = Number(value);
    switch (key) {
      case 'cost':
        if (!(n > 0) || !Number.isFinite(n)) return { problem: `cost "${value}" is not a positive number` };
        remote.costWeight = n;
        break;
      case 'concurrency':
        if (!Number.isInteger(n) || n < 1 || n > 4096) return { problem: `concurrency "${value}" is not an integer from 1 to 4096` };
        remote.concurrency = n;
        break;
      case 'connect_timeout_ms':
        if (!Number.isInteger(n) || n < 10 || n > 600_000)
          return { problem: `connect_timeout_ms "${value}" is not an integer from 10 to 600000` };
        remote.connectTimeoutMs = n;
        break;
      case 'key_env':
        if (!ENV_NAME.test(value)) return { problem: `key_env "${value}" is not an environment variable name` };
        remote.keyEnv = value;
        break;
      default:
        return { problem: `unknown option "${key}" (known: cost, concurrency, key_env, connect_timeout_ms)` };
    }
  }
  return { remote };
}
