import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './jobs-ports';
import { modelRepository } from './repo-paths';

/** The light setup of the jobs specs' nodes (two models, no GPU, no calibration). */
export const JOBS_NODE_ENV: Record<string, string> = {
  SWITCHYARD_HOST: '127.0.0.1',
  // several nodes on one host: each its own free gRPC port
  SWITCHYARD_GRPC_PORT: '0',
  SWITCHYARD_MODELS: 'mlp_tiny,dtype_echo',
  SWITCHYARD_CALIBRATION: 'skip',
  SWITCHYARD_DISABLED_DEVICES: 'gpu:0',
  SWITCHYARD_TELEMETRY_INTERVAL_MS: '0',
  SWITCHYARD_LOG_LEVEL: 'log',
  // Short locks so that a killed node's jobs are redelivered within seconds.
  SWITCHYARD_JOBS_LOCK_MS: '2000',
  SWITCHYARD_JOBS_STALLED_INTERVAL_MS: '1000',
  // No load balancer in front: a SIGTERM need not wait for one to notice readiness.
  SWITCHYARD_DRAIN_GRACE_MS: '0',
};

/**
 * One real Switchyard server process (dist/apps/server/src/main.js of the compiled tree this
 * spec runs from), its output kept for the failure message.
 */
export class SwitchyardNode {
  port = 0;
  /** The embedded jobs store's folder, kept across restarts of this node. */
  readonly dataDir = mkdtempSync(join(tmpdir(), 'sy-jobs-data-'));
  private child: ChildProcess | undefined;
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  private output: string[] = [];
  /** Audit lines (`"audit":` in the log) of every start of this node, kept whole. */
  readonly audits: string[] = [];

  constructor(
    readonly nodeId: string,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits for /v2/health/ready. */
  async start(readyTimeoutMs = 90_000): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHYARD_')));
    const main = join(__dirname, '..', '..', 'apps', 'server', 'src', 'main.js');
    const child = spawn(process.execPath, [main], {
      env: {
        ...inherited,
        ...JOBS_NODE_ENV,
        SWITCHYARD_MODEL_REPOSITORY: modelRepository(),
        SWITCHYARD_PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-jobs-profiles-')),
        SWITCHYARD_PORT: String(this.port),
        SWITCHYARD_NODE_ID: this.nodeId,
        SWITCHYARD_DATA_DIR: this.dataDir,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, 100);
    };
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      keep(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      this.audits.push(...lines.filter((line) => line.includes('"audit":')));
    });
    child.stderr.on('data', keep);
    try {
      await waitFor(
        `${this.nodeId} ready`,
        async () => {
          if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
          const res = await fetch(`${this.url}/v2/health/ready`);
          return res.status === 200 ? true : undefined;
        },
        readyTimeoutMs,
        200,
      );
    } catch (err) {
      throw new Error(`${this.nodeId} did not become ready: ${(err as Error).message}\n${this.log()}`);
    }
    return this;
  }

  /** Resolves with the exit code (or signal) of the process started last, once it has exited. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exit) throw new Error(`${this.nodeId} was never started`);
    return this.exit;
  }

  /** The process's recent output. */
  log(): string {
    return this.output.join('').split('\n').slice(-60).join('\n');
  }

  /** Sends `signal` and waits for the exit (SIGTERM gets SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Stops every node, whatever state it is in (for after hooks). */
export async function stopAll(nodes: readonly (SwitchyardNode | undefined)[]): Promise<void> {
  await Promise.allSettled(nodes.map((n) => (n ? n.stop('SIGKILL') : Promise.resolve())));
}
