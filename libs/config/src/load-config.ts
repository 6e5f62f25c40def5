import { readFileSync } from 'node:fs';
import { hostname, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { envSchema } from './config.schema';
import type { RemoteDeviceConfig } from './remote-devices';
import { ConfigValidationError } from './errors/config-validation.error';
import type { AuthSettings, SwitchyardConfig, TlsSettings } from './switchyard-config.interface';
import { readAuthFile } from './auth/read-auth-file';

const PREFIX = 'SWITCHYARD_';

/**
 * Builds the typed config from a config file (SWITCHYARD_CONFIG_FILE), then the environment,
 * then explicit overrides (tests, benchmarks), validated in one pass.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Record<string, string | number | boolean> = {},
): SwitchyardConfig {
  const raw: Record<string, unknown> = {};
  const file = env[`${PREFIX}CONFIG_FILE`];
  if (file) Object.assign(raw, readConfigFile(file));
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(PREFIX) && key !== `${PREFIX}CONFIG_FILE` && value !== undefined) raw[key.slice(PREFIX.length)] = value;
  }
  for (const [key, value] of Object.entries(overrides)) raw[key] = String(value);
  for (const key of Object.keys(raw)) raw[key] = raw[key] === '' ? undefined : String(raw[key]);

  const unknown = Object.keys(raw).filter((k) => !(k in envSchema.shape));
  const parsed = envSchema.safeParse(raw);
  const problems = unknown.map((k) => `${PREFIX}${k}: unknown option`);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${PREFIX}${issue.path.join('.')}: ${issue.message}`);
  }
  if (problems.length || !parsed.success) throw new ConfigValidationError(problems);
  const e = parsed.data;
  const remote = withKeys(e.REMOTE_DEVICES, env);
  if ('problems' in remote) throw new ConfigValidationError(remote.problems);
  return {
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      maxTensorElements: e.MAX_TENSOR_ELEMENTS,
      maxInflightBytes: e.MAX_INFLIGHT_BYTES ?? Math.floor(totalmem() / 4),
      codecOffloadBytes: e.CODEC_OFFLOAD_BYTES,
      codecWorkers: e.CODEC_WORKERS,
      codecNice: e.CODEC_NICE,
      heapGrowingPercent: e.HEAP_GROWING_PERCENT,
      ...tlsSettings(e.TLS_CERT, e.TLS_KEY, e.TLS_CLIENT_CA),
    },
    grpc: e.GRPC_PORT === 'off' ? {} : { port: e.GRPC_PORT },
    models: {
      repository: resolve(e.MODEL_REPOSITORY),
      load: e.MODELS,
      generateDemo: e.GENERATE_DEMO_MODELS,
      control: e.MODEL_CONTROL,
      pollIntervalMs: Math.round(e.MODEL_POLL_INTERVAL_S * 1000),
      memoryBudgetBytes: e.MODEL_MEMORY_BUDGET_BYTES,
    },
    dataDir: resolve(e.DATA_DIR),
    devices: {
      disabled: e.DISABLED_DEVICES,
      costWeights: e.DEVICE_COSTS,
      probeTimeoutMs: e.PROBE_TIMEOUT_MS,
      cpu: { workers: e.CPU_WORKERS, threadsPerWorker: e.CPU_THREADS_PER_WORKER },
      gpuConcurrentTasks: e.GPU_CONCURRENT_TASKS,
      isolation: { cpu: e.ISOLATE_CPU, gpu: e.ISOLATE_GPU, npu: e.ISOLATE_NPU },
      poolRestartBackoffMs: e.POOL_RESTART_BACKOFF_MS,
      remote: remote.remotes,
    },
    health: {
      runTimeoutMs: e.RUN_TIMEOUT_MS,
      runTimeoutFactor: e.RUN_TIMEOUT_FACTOR,
      runTimeoutFloorMs: e.RUN_TIMEOUT_FLOOR_MS,
      errorsToQuarantine: e.HEALTH_ERRORS_TO_QUARANTINE,
      slowFactor: e.HEALTH_SLOW_FACTOR,
      slowRuns: e.HEALTH_SLOW_RUNS,
      recoveryRuns: e.HEALTH_RECOVERY_RUNS,
      probeBackoffMs: e.HEALTH_PROBE_BACKOFF_MS,
      probeMaxBackoffMs: Math.max(e.HEALTH_PROBE_MAX_BACKOFF_MS, e.HEALTH_PROBE_BACKOFF_MS),
    },
    scheduler: {
      policy: e.SCHEDULER_POLICY,
      calibration: e.CALIBRATION,
      profilesDir: resolve(e.PROFILES_DIR),
      maxQueuedPerDevice: e.MAX_QUEUED_PER_DEVICE,
      defaultPriorityLevel: e.DEFAULT_PRIORITY_LEVEL,
      calibrationBudgetMs: e.CALIBRATION_BUDGET_MS,
      calibrationMaxBatch: e.CALIBRATION_MAX_BATCH,
    },
    redis: { url: e.REDIS_URL },
    cluster: { peers: e.PEERS, key: e.CLUSTER_KEY, syncIntervalMs: e.CLUSTER_SYNC_MS, joinTimeoutMs: e.CLUSTER_JOIN_TIMEOUT_MS },
    jobs: {
      dataDir: resolve(e.DATA_DIR),
      nodeId: e.NODE_ID ?? `${hostname()}-${process.pid}`,
      worker: e.JOBS_WORKER,
      concurrency: e.JOBS_CONCURRENCY,
      prefix: e.JOBS_PREFIX,
      resultTtlSeconds: e.JOBS_RESULT_TTL_S,
      lockDurationMs: e.JOBS_LOCK_MS,
      stalledIntervalMs: e.JOBS_STALLED_INTERVAL_MS,
      maxStalledCount: e.JOBS_MAX_STALLED,
      attempts: e.JOBS_ATTEMPTS,
      backoffMs: e.JOBS_BACKOFF_MS,
      maxBatch: e.JOBS_MAX_BATCH,
      watchdogMs: e.JOBS_WATCHDOG_MS,
      pauseQueuedJobs: e.JOBS_PAUSE_QUEUED,
      requireNoEviction: e.JOBS_REQUIRE_NOEVICTION,
      streamMaxLength: e.STREAM_MAX_LEN,
    },
    metrics: { telemetryIntervalMs: e.TELEMETRY_INTERVAL_MS },
    shutdown: { drainGraceMs: e.DRAIN_GRACE_MS, exitTimeoutMs: e.EXIT_TIMEOUT_MS },
    security: {
      auth: readAuth(e.AUTH_FILE, e.AUTH),
      modelTrust: e.MODEL_TRUST,
      trustedKeys: e.TRUSTED_KEYS.map((k) => resolve(k)),
      ...(e.SIGNING_KEY ? { signingKey: resolve(e.SIGNING_KEY) } : {}),
      ...(e.AUDIT_FILE ? { auditFile: e.AUDIT_FILE === '-' ? '-' : resolve(e.AUDIT_FILE) } : {}),
      auditSample: e.AUDIT_SAMPLE,
    },
    logLevel: e.LOG_LEVEL,
  };
}

function tlsSettings(cert: string | undefined, key: string | undefined, clientCa: string | undefined): { tls?: TlsSettings } {
  if (!cert && !key && !clientCa) return {};
  if (!cert || !key) {
    const missing = cert ? 'TLS_KEY' : 'TLS_CERT';
    throw new ConfigValidationError([`${PREFIX}${missing} is not set: HTTPS needs both ${PREFIX}TLS_CERT and ${PREFIX}TLS_KEY`]);
  }
  return { tls: { cert: resolve(cert), key: resolve(key), ...(clientCa ? { clientCa: resolve(clientCa) } : {}) } };
}

function readAuth(file: string | undefined, mode: 'optional' | 'required'): AuthSettings | undefined {
  if (!file) {
    if (mode === 'required') throw new ConfigValidationError([`${PREFIX}AUTH=required but ${PREFIX}AUTH_FILE is not set`]);
    return undefined;
  }
  return { file: resolve(file), tenants: readAuthFile(resolve(file)) };
}

/** Reads each remote's bearer token from the variable its key_env names (config is the one reader of the environment). */
function withKeys(remotes: RemoteDeviceConfig[], env: NodeJS.ProcessEnv): { remotes: RemoteDeviceConfig[] } | { problems: string[] } {
  const problems = remotes
    .filter((r) => r.keyEnv !== undefined && !env[r.keyEnv])
    .map((r) => `${PREFIX}REMOTE_DEVICES: "${r.name}": key_env names ${r.keyEnv}, which is not set`);
  if (problems.length) return { problems };
  return { remotes: remotes.map((r) => (r.keyEnv !== undefined ? { ...r, key: env[r.keyEnv] } : r)) };
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigValidationError([`${PREFIX}CONFIG_FILE: cannot read ${path}: ${(err as Error).message}`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigValidationError([`${PREFIX}CONFIG_FILE: ${path} is not a JSON object of options: ${(err as Error).message}`]);
  }
}
