import { Inject, Injectable, Optional } from '@nestjs/common';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { EP_PROBE_SCRIPT } from '../devices.tokens';
import type { ExecutionProviderName } from '../interfaces/device.interface';
import type { ProbeResult } from '../interfaces/probe-result.interface';
import { parseOrtHardwareDevices } from '../probe/ort-log.parser';
import { buildProbeModel } from '../probe/probe-model';
import { summarizeStderr } from '../probe/stderr-summary';

const STDERR_KEEP = 64 * 1024;
const EXIT_GRACE_MS = 2_000;

/**
 * Probes one execution provider in an isolated child process (fork of the compiled probe
 * script): a driver that segfaults, aborts or hangs costs only the child. The child's result is
 * trusted only if it arrives over IPC; a crash or timeout is reported as a failed probe.
 */
@Injectable()
export class ExecutionProviderProbeAdapter {
  private readonly model = buildProbeModel();

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @Optional() @Inject(EP_PROBE_SCRIPT) private readonly script: string = join(__dirname, '..', 'probe', 'ep-probe.child.js'),
  ) {}

  probe(ep: ExecutionProviderName, deviceId?: number): Promise<ProbeResult> {
    const timeoutMs = this.config.devices.probeTimeoutMs;
    const started = performance.now();
    return new Promise((resolve) => {
      const child = fork(this.script, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      let settled = false;
      const finish = (result: ProbeResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const hardware = parseOrtHardwareDevices(stderr);
        resolve(hardware.length ? { ...result, adapterInfo: { ...result.adapterInfo, ortHardwareDevices: hardware } } : result);
        // A driver may hang while tearing down: the answer is in, so do not wait for it.
        setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), EXIT_GRACE_MS).unref();
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({
          ok: false,
          error: `probe timed out after ${timeoutMs} ms (SWITCHYARD_PROBE_TIMEOUT_MS)`,
          ms: performance.now() - started,
        });
      }, timeoutMs);
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
      });
      child.on('message', (result: ProbeResult) => finish(result));
      child.on('error', (err) =>
        finish({ ok: false, error: `probe process failed to start: ${err.message}`, ms: performance.now() - started }),
      );
      child.on('exit', (code, signal) => {
        // 'exit' may come before the stderr pipe is drained: read the tail once it closes.
        child.stderr?.once('close', () => finish(crashed(code, signal, stderr, performance.now() - started)));
        if (!child.stderr || child.stderr.closed) finish(crashed(code, signal, stderr, performance.now() - started));
      });
      child.send({ ep, deviceId, model: this.model });
    });
  }
}

function crashed(code: number | null, signal: NodeJS.Signals | null, stderr: string, ms: number): ProbeResult {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const why = summarizeStderr(stderr);
  return { ok: false, error: `probe process ${how} before answering${why ? `: ${why}` : ''}`, ms };
}
