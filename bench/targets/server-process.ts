import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LISTENING = /listening on (http:\/\/[^\s)]+)/;
const GRPC_AT = /gRPC at ([^\s,)]+)/;

/**
 * The server in its own process (the compiled apps/server main), so that the load generator
 * (this process) and the service do not share an event loop. Options are passed as SWITCHYARD_*
 * environment variables, which is how an operator configures it.
 */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** host:port of its gRPC endpoint (absent with GRPC_PORT: 'off'). */
    readonly grpcAddress?: string,
  ) {}

  static start(
    distRoot: string,
    /** SWITCHYARD_<key> values; null leaves out one of the defaults (an older build refuses options it does not know). */
    options: Record<string, string | number | boolean | null>,
    timeoutMs = 180_000,
    nodeArgs: readonly string[] = [],
  ): Promise<ServerProcess> {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries({
      HOST: '127.0.0.1',
      PORT: 0,
      GRPC_PORT: 0,
      LOG_LEVEL: 'log',
      TELEMETRY_INTERVAL_MS: 0,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-bench-data-')),
      ...options,
    })) {
      if (value !== null) env[`SWITCHYARD_${key}`] = String(value);
    }
    return ServerProcess.startScript(join(distRoot, 'apps', 'server', 'src', 'main.js'), env, timeoutMs, nodeArgs);
  }

  /**
   * Any server script that prints "listening on http://..." once it serves (the overhead bench's
   * bare baseline), with `env` added to this process's environment.
   */
  static startScript(
    script: string,
    env: NodeJS.ProcessEnv,
    timeoutMs = 180_000,
    nodeArgs: readonly string[] = [],
  ): Promise<ServerProcess> {
    const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => fail(new Error(`the server did not start within ${timeoutMs} ms:\n${log.slice(-2000)}`)), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        child.kill('SIGTERM');
        reject(err);
      };
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        const match = LISTENING.exec(log);
        if (match) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.stderr?.off('data', onData);
          child.stdout?.resume();
          child.stderr?.resume();
          resolve(new ServerProcess(child, match[1], GRPC_AT.exec(log)?.[1]));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => fail(new Error(`the server exited (code ${code}) before listening:\n${log.slice(-2000)}`)));
    });
  }

  /** The server's process id (for its memory use in /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
