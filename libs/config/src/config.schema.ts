import { z } from 'zod';
import { parseRemoteDevices } from './remote-devices';

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** "cpu:0=1,gpu:0=2.5" -> { "cpu:0": 1, "gpu:0": 2.5 } */
const costMap = z.string().transform((s, ctx) => {
  const out: Record<string, number> = {};
  for (const pair of s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const [id, value] = pair.split('=');
    const n = Number(value);
    if (!id || !(n > 0)) {
      ctx.addIssue({ code: 'custom', message: `"${pair}" is not <device-id>=<positive number>` });
      return z.NEVER;
    }
    out[id.trim()] = n;
  }
  return out;
});

/** SWITCHYARD_REMOTE_DEVICES: see parseRemoteDevices for the grammar. */
const remoteDevices = z.string().transform((s, ctx) => {
  const parsed = parseRemoteDevices(s);
  if ('remotes' in parsed) return parsed.remotes;
  for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
  return z.NEVER;
});

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const isolation = z.enum(['thread', 'process']);

/**
 * Environment variables (SWITCHYARD_*) and their defaults. A config file (SWITCHYARD_CONFIG_FILE,
 * JSON with the same keys without the prefix, e.g. {"PORT": 8001}) is read first; the
 * environment overrides it.
 */
export const envSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  PORT: int(0, 65535).default(8000),
  /**
   * Port of the gRPC endpoint (the KServe v2 GRPCInferenceService, Triton's 8001); 0 = a free
   * port chosen by the OS (tests), "off" = no gRPC endpoint. Listens on HOST.
   */
  GRPC_PORT: z.union([z.literal('off'), int(0, 65535)]).default(8001),
  BODY_LIMIT_BYTES: int(1024, 2 ** 31).default(64 * 2 ** 20),
  /** Largest element count of one request tensor (absurd shapes get a 400 before any allocation). */
  MAX_TENSOR_ELEMENTS: int(1, 2 ** 31).default(2 ** 26),
  /**
   * Request body bytes the server holds at once (Content-Length, or counted as a chunked body
   * arrives) until each response is sent; a request that would pass it gets 429 with Retry-After
   * before its body is read. Empty: a quarter of the host's memory; 0: no limit.
   */
  MAX_INFLIGHT_BYTES: int(0, Number.MAX_SAFE_INTEGER).optional(),
  /** Bodies and JSON responses from this size on are decoded/encoded on codec worker threads, bytes. */
  CODEC_OFFLOAD_BYTES: int(0, 2 ** 31).default(256 * 1024),
  /** Codec worker threads; 0 = half the cores (2 to 4). */
  CODEC_WORKERS: int(0, 64).default(0),
  /**
   * How much lower the codec worker threads' priority is than the event loop's: added to their nice
   * value (Linux only, where each thread has its own). Above 0 the event loop wins the cores when
   * both want them, so probes and small requests stay fast while big bodies are decoded and
   * encoded on every core.
   */
  CODEC_NICE: int(0, 19).default(5),
  /**
   * How far V8 lets each heap grow past its live size before the next full collection, percent
   * (V8's --heap-growing-percent, for every thread of the process); 0 = V8's own choice. Big
   * bodies pass megabytes of buffers through the event loop, which V8's own choice answers with
   * about one full collection per request.
   */
  HEAP_GROWING_PERCENT: int(0, 1000).default(200),
  MODEL_REPOSITORY: z.string().default('models'),
  MODELS: list.default([]),
  GENERATE_DEMO_MODELS: bool.default(true),
  /** Triton's model control mode: none (fixed at start), explicit (load/unload API), poll (follow the repository). */
  MODEL_CONTROL: z.enum(['none', 'explicit', 'poll']).default('none'),
  /** Period of the repository poll in poll mode, seconds (fractions allowed). */
  MODEL_POLL_INTERVAL_S: z.coerce.number().min(0.05).max(86_400).default(15),
  /** Memory a device may give to pinned model sessions, bytes; 0 = 90 % of the device's memory. */
  MODEL_MEMORY_BUDGET_BYTES: int(0, 2 ** 50).default(0),
  /** Folder of persisted state (the embedded jobs store when REDIS_URL is unset, rollouts), created when missing. */
  DATA_DIR: z.string().default('data'),
  DISABLED_DEVICES: list.default([]),
  DEVICE_COSTS: costMap.default({}),
  PROBE_TIMEOUT_MS: int(100, 600_000).default(20_000),
  /** KServe v2 servers served as devices remote:<name> (docs/remote-tier.md). */
  REMOTE_DEVICES: remoteDevices.default([]),
  CPU_WORKERS: int(0, 256).default(0),
  CPU_THREADS_PER_WORKER: int(0, 256).default(0),
  // run() blocks the GPU worker's thread: tasks in it run one after another, so more than one
  // queued there only hides the message hop; the rest wait in the scheduler, where they batch
  GPU_CONCURRENT_TASKS: int(1, 64).default(2),
  ISOLATE_CPU: isolation.default('thread'),
  // drivers live in GPU/NPU pools: a native crash or hang there must not take the service down
  ISOLATE_GPU: isolation.default('process'),
  ISOLATE_NPU: isolation.default('process'),
  /** First wait before a crashed pool process is started again (doubles per crash, up to 30 s), ms. */
  POOL_RESTART_BACKOFF_MS: int(0, 600_000).default(250),
  /** Bound of one session run, ms; 0 = derived per run: RUN_TIMEOUT_FACTOR x its predicted time, at least RUN_TIMEOUT_FLOOR_MS. */
  RUN_TIMEOUT_MS: int(0, 3_600_000).default(0),
  RUN_TIMEOUT_FACTOR: z.coerce.number().min(1).max(10_000).default(20),
  RUN_TIMEOUT_FLOOR_MS: int(10, 3_600_000).default(5000),
  /** Failed runs in a row that open a device's circuit (quarantine). */
  HEALTH_ERRORS_TO_QUARANTINE: int(1, 1000).default(3),
  /** A run this many times slower than predicted counts as slow; SLOW runs in a row degrade the device. */
  HEALTH_SLOW_FACTOR: z.coerce.number().min(1).max(10_000).default(10),
  HEALTH_SLOW_RUNS: int(1, 1000).default(3),
  /** Good runs in a row that clear a degraded device. */
  HEALTH_RECOVERY_RUNS: int(1, 100_000).default(20),
  /** First wait before a quarantined device gets its probe run (doubles per failed probe, up to HEALTH_PROBE_MAX_BACKOFF_MS), ms. */
  HEALTH_PROBE_BACKOFF_MS: int(10, 3_600_000).default(1000),
  HEALTH_PROBE_MAX_BACKOFF_MS: int(10, 3_600_000).default(30_000),
  SCHEDULER_POLICY: z.string().default('adaptive'),
  CALIBRATION: z.enum(['auto', 'skip', 'force']).default('auto'),
  PROFILES_DIR: z.string().default('profiles'),
  MAX_QUEUED_PER_DEVICE: int(1, 1_000_000).default(1024),
  /** Level a request with priority 0 or none gets (Triton's default_priority_level; 1 is highest). */
  DEFAULT_PRIORITY_LEVEL: int(1, 1_000_000).default(5),
  /** Time budget of the calibration sweep of one (model, device) pair, ms. */
  CALIBRATION_BUDGET_MS: int(50, 600_000).default(3000),
  /** Largest batch size calibration measures (capped by each model's max_batch_size). */
  CALIBRATION_MAX_BATCH: int(1, 65_536).default(32),
  /** Redis shared by the nodes: the jobs queue and the rollouts (else SQLite and rollouts.json, one node). */
  REDIS_URL: z.string().url().optional(),
  /** This node's name in job records (default <hostname>-<pid>). */
  NODE_ID: z
    .string()
    .regex(/^[\w.:-]{1,128}$/, 'letters, digits, ".", ":", "-" or "_" (at most 128)')
    .optional(),
  /** Peers this node exchanges what it learned with (shared learning): comma-separated base URLs, e.g. http://10.0.0.2:8000. */
  PEERS: z
    .string()
    .transform((s, ctx) => {
      const urls = s
        .split(',')
        .map((x) => x.trim().replace(/\/+$/, ''))
        .filter(Boolean);
      for (const url of urls) {
        if (!/^https?:\/\/[^/\s]+$/.test(url)) {
          ctx.addIssue({ code: 'custom', message: `"${url}" is not a base URL http(s)://host:port` });
          return z.NEVER;
        }
      }
      return urls;
    })
    .default([]),
  /** The API key this node presents to its peers (Bearer) when they run with an auth file: a tenant with the admin scope there. */
  CLUSTER_KEY: z.string().min(1).optional(),
  /** Period of the exchange with each peer, ms. */
  CLUSTER_SYNC_MS: int(50, 3_600_000).default(2000),
  /** Longest wait of start-up calibration for the first exchange with the peers (a warm start), ms; 0 = do not wait. */
  CLUSTER_JOIN_TIMEOUT_MS: int(0, 600_000).default(5000),
  /** Consume jobs from the Redis queue on this node (false: an API-only node that only enqueues). */
  JOBS_WORKER: bool.default(true),
  /** Jobs this node runs at once; 0 = the total capacity of its device pools. */
  JOBS_CONCURRENCY: int(0, 4096).default(0),
  /** Redis key prefix of the jobs queue, results, streams and the rollouts. */
  JOBS_PREFIX: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "-" or "_" (at most 64)')
    .default('switchyard'),
  /** How long finished jobs, their results and stream entries are kept, seconds. */
  JOBS_RESULT_TTL_S: int(1, 30 * 24 * 3600).default(3600),
  /** Bull lock duration: a node that stops renewing its job's lock for this long loses the job, ms. */
  JOBS_LOCK_MS: int(1000, 600_000).default(5000),
  /** Bull stalled-job check period (redelivery of a dead node's jobs), ms. */
  JOBS_STALLED_INTERVAL_MS: int(500, 600_000).default(2500),
  /** Times a job may be redelivered after its node died before it fails. */
  JOBS_MAX_STALLED: int(0, 1000).default(3),
  /** Attempts of a job that fails with a transient error (worker crash, device lost). */
  JOBS_ATTEMPTS: int(1, 100).default(3),
  /** First retry delay (exponential backoff), ms. */
  JOBS_BACKOFF_MS: int(0, 600_000).default(500),
  /** Largest number of requests in one batch submission. */
  JOBS_MAX_BATCH: int(1, 100_000).default(1000),
  /** Stuck-consumer watchdog: recover when jobs wait this long while this node has free slots, ms; 0 = off. */
  JOBS_WATCHDOG_MS: int(0, 3_600_000).default(10_000),
  /** Pause taking jobs while the local device queues hold more than this many jobs; 0 = never. */
  JOBS_PAUSE_QUEUED: int(0, 1_000_000).default(0),
  /** Refuse to start when Redis's maxmemory-policy is not noeviction (otherwise warn). */
  JOBS_REQUIRE_NOEVICTION: bool.default(false),
  /** Entries kept per result stream (approximate trim). */
  STREAM_MAX_LEN: int(10, 10_000_000).default(10_000),
  /** Device telemetry (CPU load, memory, nvidia-smi) sampling period; 0 turns the sampler off. */
  TELEMETRY_INTERVAL_MS: int(0, 3_600_000).default(5000),
  /** On SIGTERM, how long new inference requests are still taken while readiness already says 503 (load balancers notice first), ms. */
  DRAIN_GRACE_MS: int(0, 3_600_000).default(5000),
  /** On SIGTERM, the longest wait for queued and running work (Triton's --exit-timeout-secs); then what remains gets 503 and the process exits, ms. */
  EXIT_TIMEOUT_MS: int(0, 3_600_000).default(30_000),
  /** Tenants, keys, scopes and limits (YAML or JSON, see docs/security.md); unset: the API is open to anyone. */
  AUTH_FILE: z.string().optional(),
  /** required: refuse to start without AUTH_FILE. */
  AUTH: z.enum(['optional', 'required']).default('optional'),
  /** Model files checked against their manifest at load: off, digest (sha256 per file), signed (and an ed25519 signature by a trusted key). */
  MODEL_TRUST: z.enum(['off', 'digest', 'signed']).default('off'),
  /** Public keys (PEM files, comma-separated) whose manifest signatures are trusted. */
  TRUSTED_KEYS: list.default([]),
  /** ed25519 private key (PEM file) that signs every inference response (Switchyard-Signature). */
  SIGNING_KEY: z.string().optional(),
  /** Audit log (pino), one JSON line per request (tenant, model, device, status, digests; never tensors or keys): a file path, or "-" for stdout; unset: off. */
  AUDIT_FILE: z.string().optional(),
  /** Share of successful inference requests written to the audit log (errors, auth failures and admin calls always are). */
  AUDIT_SAMPLE: z.coerce.number().min(0).max(1).default(1),
  /** Certificate chain (PEM file) served over HTTPS; with TLS_KEY. Unset: plain HTTP. */
  TLS_CERT: z.string().optional(),
  /** Private key (PEM file) of TLS_CERT. */
  TLS_KEY: z.string().optional(),
  /** CA certificate(s) (PEM file): mutual TLS, a client must present a certificate it signed. */
  TLS_CLIENT_CA: z.string().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type EnvInput = z.input<typeof envSchema>;
