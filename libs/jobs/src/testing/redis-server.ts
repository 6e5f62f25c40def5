import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../../test/support/jobs-ports';

const run = promisify(execFile);

export interface RedisServerOptions {
  /** Persist every write to an append-only file (so that a restart keeps the data). */
  persistent?: boolean;
}

/**
 * A real redis-server for one spec (tests never mock Redis): a free port, no snapshots,
 * maxmemory-policy noeviction. `kill` (SIGKILL) then `start` simulate a crash and restart;
 * `pause`/`resume` a server that hangs with its connections open.
 */
export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'sy-jobs-redis-'));
  port = 0;
  private child: ChildProcess | undefined;

  constructor(private readonly options: RedisServerOptions = {}) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    const persistence = this.options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      ...persistence,
      '--dir',
      this.dir,
      '--maxmemory-policy',
      'noeviction',
      '--enable-debug-command',
      'local',
      '--daemonize',
      'no',
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    const until = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} (is the port ${this.port} taken?)`);
      if ((await this.cli('PING').catch(() => '')) === 'PONG') return this;
      if (Date.now() > until) throw new Error(`redis-server on port ${this.port} did not answer PING within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Runs a command with redis-cli; returns its output trimmed. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(this.port), '--no-raw', ...args]);
    return stdout.trim();
  }

  /** Like cli(), raw output split into lines (for lists). */
  async lines(...args: string[]): Promise<string[]> {
    const { stdout } = await run('redis-cli', ['-p', String(this.port), '--raw', ...args]);
    return stdout.split('\n').filter(Boolean);
  }

  /**
   * Makes the server slow to answer, as a loaded or distant one is: DEBUG SLEEP of `ms` back to
   * back from one redis-cli, so that every other command waits up to `ms`. Returns stop(), after
   * which the server answers at once again (the sleep under way ends first).
   */
  slowDown(ms: number): () => Promise<void> {
    const cli = spawn('redis-cli', ['-p', String(this.port)], { stdio: ['pipe', 'ignore', 'ignore'] });
    // redis-cli runs the lines as they come, each after the previous one's answer
    cli.stdin.end(`DEBUG SLEEP ${ms / 1000}\n`.repeat(Math.ceil(600_000 / ms)));
    const exited = new Promise((resolve) => cli.once('exit', resolve));
    return async () => {
      cli.kill('SIGKILL');
      await exited;
      await this.cli('PING');
    };
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Thaws a paused server (SIGCONT). */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
