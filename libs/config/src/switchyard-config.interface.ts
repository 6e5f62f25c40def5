import type { RemoteDeviceConfig } from './remote-devices';

export type PoolIsolation = 'thread' | 'process';

/**
 * The whole service configuration, read and validated once at start-up (see config.schema.ts).
 * Nothing else reads process.env.
 */
/** How runs are bounded and when a device turns degraded or quarantined. */
export interface DeviceHealthSettings {
  /** Fixed bound of one session run, ms; 0 = runTimeoutFactor x the run's predicted time, at least runTimeoutFloorMs. */
  runTimeoutMs: number;
  runTimeoutFactor: number;
  runTimeoutFloorMs: number;
  /** Consecutive failed runs that quarantine a device. */
  errorsToQuarantine: number;
  /** A run slower than slowFactor x its prediction is slow; slowRuns of them in a row degrade the device. */
  slowFactor: number;
  slowRuns: number;
  /** Consecutive good runs that clear a degraded device. */
  recoveryRuns: number;
  /** Wait before the first probe of a quarantined device, doubling per failed probe up to probeMaxBackoffMs. */
  probeBackoffMs: number;
  probeMaxBackoffMs: number;
}

export interface SwitchyardConfig {
  http: {
    host: string;
    /** 8000 is Triton's HTTP port, so clients' defaults work. */
    port: number;
    /** Largest accepted request body, bytes. */
    bodyLimitBytes: number;
    /** Largest element count of one request tensor; 2^26 when unset. */
    maxTensorElements?: number;
    /** Request body bytes held at once before new requests get 429; 0 = no limit. */
    maxInflightBytes: number;
    /** Bodies/JSON responses from this many bytes on are decoded/encoded on codec worker threads. */
    codecOffloadBytes: number;
    /** Codec worker threads; 0 = derived from the cores. */
    codecWorkers: number;
    /** Added to the codec worker threads' nice value (Linux); 0 or absent = the process's priority. */
    codecNice?: number;
    /** V8's heap growing factor past the live size, percent, for the whole process; 0 or absent = V8's own. */
    heapGrowingPercent?: number;
    /** HTTPS (and the WebSocket stream over it); absent: plain HTTP. */
    tls?: TlsSettings;
  };
  grpc: {
    /** 8001 is Triton's gRPC port; 0 = a free port chosen by the OS; undefined = no gRPC endpoint (SWITCHYARD_GRPC_PORT=off). Listens on http.host. */
    port?: number;
  };
  models: {
    /** Folder of models/<name>/config.json and models/<name>/<version>/model.onnx. */
    repository: string;
    /** Models to load at start-up; empty means all found. */
    load: string[];
    /** Write the demo models into the repository at start-up when they are missing. */
    generateDemo: boolean;
    /** none: loaded once at start; explicit: the repository API loads/unloads; poll: follows the folder. */
    control: 'none' | 'explicit' | 'poll';
    /** Poll period in poll mode, ms. */
    pollIntervalMs: number;
    /** Bytes of model sessions a device may hold; 0 = 90 % of the device's memory. */
    memoryBudgetBytes: number;
  };
  /** Folder of persisted state (rollouts). */
  dataDir: string;
  devices: {
    /** Device ids never used (e.g. "gpu:0"). */
    disabled: string[];
    /** Relative cost of a second on each device id; 1 when absent. */
    costWeights: Record<string, number>;
    /** Limit for each execution-provider probe (child process), ms. */
    probeTimeoutMs: number;
    cpu: {
      /** Worker threads of the CPU pool; 0 = derived from the cores. */
      workers: number;
      /** ORT intra-op threads per CPU worker; 0 = cores / workers. */
      threadsPerWorker: number;
    };
    /** Concurrent tasks a WebGPU worker (one per adapter) takes. */
    gpuConcurrentTasks: number;
    /** Where each kind's pool runs: worker threads here, or a child process. */
    isolation: Record<'cpu' | 'gpu' | 'npu', PoolIsolation>;
    /** First wait before a crashed pool process restarts; doubles per consecutive crash, capped at 30 s. */
    poolRestartBackoffMs: number;
    /** KServe v2 servers served as devices remote:<name> (SWITCHYARD_REMOTE_DEVICES). */
    remote: RemoteDeviceConfig[];
  };
  /** Bounds on runs and the device health state machine (see docs/scheduler.md, "Failure modes"). */
  health: DeviceHealthSettings;
  scheduler: {
    /** Name of the default policy (a registered one). */
    policy: string;
    /** Start-up calibration: auto (reuse a matching profile), skip, or force a new one. */
    calibration: 'auto' | 'skip' | 'force';
    profilesDir: string;
    /** Jobs queued per device before admission refuses (429). */
    maxQueuedPerDevice: number;
    /** Priority level of requests with priority 0 or none (1 is the highest level). */
    defaultPriorityLevel: number;
    /** Time budget of calibrating one (model, device) pair, ms (a run already started finishes). */
    calibrationBudgetMs: number;
    /** Largest batch size calibration measures, capped by the model's max_batch_size. */
    calibrationMaxBatch: number;
  };
  redis: {
    /** redis://host:port/db, shared by the nodes (jobs, rollouts); when unset the jobs run on the embedded SQLite store and rollouts in dataDir/rollouts.json. */
    url?: string;
  };
  /** Shared learning between nodes (libs/cluster); the node's name is jobs.nodeId. */
  cluster: {
    /** Base URLs of the peers (no trailing slash). */
    peers: string[];
    /** API key presented to the peers (SWITCHYARD_CLUSTER_KEY), for peers that run with an auth file. */
    key?: string;
    /** Period of the exchange with each peer, ms. */
    syncIntervalMs: number;
    /** Longest wait of start-up calibration for the first exchange (warm start), ms. */
    joinTimeoutMs: number;
  };
  /** Durable async jobs (Bull on Redis with redis.url, else the embedded SQLite store). */
  jobs: {
    /** Absolute folder of the embedded SQLite store (jobs.sqlite inside). */
    dataDir: string;
    /** This node's name in job records. */
    nodeId: string;
    /** Whether this node consumes jobs (false: API-only). */
    worker: boolean;
    /** Jobs run at once on this node; 0 = total device pool capacity. */
    concurrency: number;
    /** Redis key prefix (jobs and rollouts). */
    prefix: string;
    /** Retention of finished jobs, results and stream entries, seconds. */
    resultTtlSeconds: number;
    /** Bull lockDuration, ms (a dead node's job is redelivered after about lock + stalled interval). */
    lockDurationMs: number;
    /** Bull stalledInterval, ms. */
    stalledIntervalMs: number;
    /** Bull maxStalledCount. */
    maxStalledCount: number;
    /** Attempts for transient failures. */
    attempts: number;
    /** First backoff delay (exponential), ms. */
    backoffMs: number;
    /** Largest batch submission. */
    maxBatch: number;
    /** Stuck-consumer watchdog threshold, ms; 0 = off. */
    watchdogMs: number;
    /** Pause consumption above this many locally queued jobs; 0 = never. */
    pauseQueuedJobs: number;
    /** Fail start-up unless Redis's maxmemory-policy is noeviction. */
    requireNoEviction: boolean;
    /** Entries kept per result stream. */
    streamMaxLength: number;
  };
  metrics: {
    /** Period of the device telemetry sampler (CPU load, memory, nvidia-smi), ms; 0 = off. */
    telemetryIntervalMs: number;
  };
  /** Graceful drain on SIGTERM/SIGINT (see DrainService). */
  shutdown: {
    /** Readiness is 503 at once; new inference requests are still taken for this long, ms. */
    drainGraceMs: number;
    /** From the signal, the longest wait for queued and running work; then the rest gets 503 and the process exits, ms. */
    exitTimeoutMs: number;
  };
  /** Tenants and keys, model trust, output signing, audit (see docs/security.md). */
  security: SecuritySettings;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

/** One tenant of the auth file; keys are sha256 digests ("sha256:<hex>"), never the keys. */
export interface TenantSettings {
  name: string;
  keyDigests: string[];
  scopes: string[];
  limits: {
    requestsPerSecond?: number;
    /** Requests allowed at once above the steady rate (the window holds `burst` requests). */
    burst?: number;
    /** Requests of this tenant in progress at once on one node. */
    maxInflight?: number;
    /** Highest priority it may ask for (1 is the highest level); higher asks are clamped. */
    maxPriority?: number;
    /** Model name globs it may use ("mlp_*"); absent: all. */
    models?: string[];
    /** Device id globs it may run on ("cpu:*"); absent: all. */
    devices?: string[];
    /** Most of its jobs that may be unfinished at once (queued or running), across nodes. */
    jobsQueued?: number;
  };
}

export interface AuthSettings {
  file: string;
  tenants: TenantSettings[];
}

export interface SecuritySettings {
  /** Absent: no auth file, the API is open (a loud warning at start-up). */
  auth?: AuthSettings;
  modelTrust: 'off' | 'digest' | 'signed';
  /** Public key PEM files trusted to sign model manifests. */
  trustedKeys: string[];
  /** Private key PEM file that signs inference responses. */
  signingKey?: string;
  /** Audit log path, "-" for stdout; absent: no audit log. */
  auditFile?: string;
  /** Share of successful inference requests audited (0..1). */
  auditSample: number;
}

/** PEM file paths of the server's TLS identity (read at boot by readTlsFiles). */
export interface TlsSettings {
  cert: string;
  key: string;
  /** Mutual TLS: clients must present a certificate signed by this CA (refused at the handshake otherwise). */
  clientCa?: string;
}
