import { Inject, Injectable, Logger } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { DeviceModelStatusService } from '@switchyard/devices';
import { RemoteUnansweredError, RuntimeService, type DevicePool, type ModelSessionMetadata } from '@switchyard/runtime';
import type { ModelConfig } from '../interfaces/model-config.interface';
import type { ModelReadinessGate } from '../interfaces/readiness-gate.interface';
import type { ServedModel } from '../interfaces/served-model.interface';
import { fitDevices, type DeviceRoom } from './memory-fit';
import { buildTensorSpecs, completeConfig } from './served-model.builder';
import { signatureMismatch } from './signature-match';

/** Share of a device's memory model sessions may take when no budget is configured. */
const DEFAULT_MEMORY_SHARE = 0.9;

/**
 * Pins one model version in the device pools that have room for it, checks its tensors against
 * its config, runs the readiness gates (warm-up, calibration) and sets READY or UNAVAILABLE with
 * the reason. Also drops a version's sessions.
 */
@Injectable()
export class ModelPinner {
  private readonly logger = new Logger(ModelPinner.name);
  readonly gates: ModelReadinessGate[] = [];
  /** Bytes of model.onnx per pinned key (memory accounting). */
  private readonly bytes = new Map<string, number>();
  /** The signature each pinned key was served with (devices matched later must agree with it). */
  private readonly signatures = new Map<string, ModelSessionMetadata>();
  /** Per pinned key, the remote tiers that did not answer when it was pinned: {@link rematch} asks them again. */
  private readonly unanswered = new Map<string, Set<string>>();

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
    private readonly status: DeviceModelStatusService,
  ) {}

  newVersion(name: string, version: string, sha256: string, config: ModelConfig | undefined): ServedModel {
    return {
      name,
      version,
      key: `${name}@${version}`,
      platform: 'onnxruntime_onnx',
      config: config ?? { name, platform: 'onnxruntime_onnx', max_batch_size: 0, input: [], output: [] },
      inputs: [],
      outputs: [],
      maxBatchSize: config?.max_batch_size ?? 0,
      state: 'LOADING',
      devices: [],
      sha256,
    };
  }

  /** `others`: the versions already served (their memory counts); `gated`: run the readiness gates. */
  async pin(model: ServedModel, file: { path: string; bytes: number }, others: ServedModel[], gated: boolean): Promise<void> {
    const started = Date.now();
    const pools = this.runtime.pools();
    const { fit, refused } = fitDevices(file.bytes, pools.map((p) => this.room(p, others.filter((m) => m !== model))));
    const failures = Object.entries(refused).map(([id, why]) => `${id}: not enough memory, ${why}`);
    const targets = pools.filter((p) => fit.includes(p.device.id));
    this.bytes.set(model.key, file.bytes);
    const results = await Promise.allSettled(targets.map((pool) => pool.loadModel({ key: model.key, path: file.path })));
    let metadata: ModelSessionMetadata | undefined;
    for (const [deviceId, why] of Object.entries(refused)) this.status.record(deviceId, model.key, { notServed: `not enough memory, ${why}` });
    results.forEach((r, i) => {
      const deviceId = targets[i].device.id;
      // every device must run the same signature (a remote tier may serve another model under the name)
      const mismatch = r.status === 'fulfilled' && metadata ? signatureMismatch(metadata, r.value) : undefined;
      if (r.status === 'fulfilled' && !mismatch) {
        model.devices.push(deviceId);
        metadata ??= r.value;
        this.status.record(deviceId, model.key, 'served');
        return;
      }
      if (mismatch) void targets[i].unloadModel(model.key).catch(() => undefined);
      if (r.status === 'rejected' && r.reason instanceof RemoteUnansweredError) this.unansweredOf(model.key).add(deviceId);
      const why = mismatch ? `its signature differs: ${mismatch}` : ((r as PromiseRejectedResult).reason as Error).message;
      failures.push(`${deviceId}: ${why}`);
      this.status.record(deviceId, model.key, { notServed: why });
      this.logger.warn(`${model.key} cannot run on ${deviceId}: ${why}`);
    });
    if (!metadata) return this.giveUp(model, failures.join('; ') || 'no usable device to load it on');
    this.signatures.set(model.key, metadata);
    const config: ModelConfig = completeConfig(model.config, metadata);
    const specs = buildTensorSpecs(config, metadata);
    if ('reason' in specs) return this.giveUp(model, specs.reason);
    Object.assign(model, { config, inputs: specs.inputs, outputs: specs.outputs, maxBatchSize: config.max_batch_size });
    if (gated) {
      try {
        for (const gate of this.gates) await gate(model);
      } catch (err) {
        return this.giveUp(model, `warm-up failed: ${(err as Error).message}`);
      }
    }
    model.state = 'READY';
    if (failures.length) this.logger.warn(`${model.key} left out of ${failures.join('; ')}`);
    this.logger.log(`${model.key} ready on ${model.devices.join(', ')} in ${Date.now() - started} ms`);
  }

  async unpin(model: ServedModel): Promise<void> {
    const pools = this.runtime.pools().filter((p) => model.devices.includes(p.device.id));
    const results = await Promise.allSettled(pools.map((p) => p.unloadModel(model.key)));
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.logger.warn(`${model.key}: unloading from ${pools[i].device.id} failed: ${(r.reason as Error).message}`);
    });
    this.bytes.delete(model.key);
    this.signatures.delete(model.key);
    this.unanswered.delete(model.key);
    this.status.forget(model.key);
    model.devices = [];
  }

  /**
   * Asks the remote tiers that did not answer when `model` was pinned again: one that now serves
   * it with the same signature joins `model.devices`, one that does not is recorded as not serving
   * it, one that still does not answer is asked next time.
   */
  async rematch(model: ServedModel): Promise<void> {
    const waiting = this.unanswered.get(model.key);
    const reference = this.signatures.get(model.key);
    if (!waiting?.size || !reference || model.state !== 'READY') return;
    for (const deviceId of [...waiting]) {
      const pool = this.runtime.pool(deviceId);
      if (!pool) continue;
      try {
        const mismatch = signatureMismatch(reference, await pool.loadModel({ key: model.key, path: '' }));
        waiting.delete(deviceId);
        if (this.unanswered.get(model.key) !== waiting || model.state !== 'READY') return; // unloaded meanwhile
        if (mismatch) {
          this.status.record(deviceId, model.key, { notServed: `its signature differs: ${mismatch}` });
          continue;
        }
        model.devices.push(deviceId);
        this.status.record(deviceId, model.key, 'served');
        this.logger.log(`${model.key} now served on ${deviceId} too`);
      } catch (err) {
        if (err instanceof RemoteUnansweredError) continue;
        waiting.delete(deviceId);
        this.status.record(deviceId, model.key, { notServed: (err as Error).message });
      }
    }
  }

  private unansweredOf(key: string): Set<string> {
    let set = this.unanswered.get(key);
    if (!set) this.unanswered.set(key, (set = new Set()));
    return set;
  }

  private async giveUp(model: ServedModel, reason: string): Promise<void> {
    await this.unpin(model);
    Object.assign(model, { state: 'UNAVAILABLE', reason });
    this.logger.warn(`${model.key} unavailable: ${reason}`);
  }

  private room(pool: DevicePool, served: ServedModel[]): DeviceRoom {
    const sessions = Math.max(1, pool.stats().workers);
    const budget = this.config.models.memoryBudgetBytes || (pool.device.memoryBytes ?? Infinity) * DEFAULT_MEMORY_SHARE;
    const pinned = served.filter((m) => m.devices.includes(pool.device.id)).reduce((n, m) => n + (this.bytes.get(m.key) ?? 0) * sessions, 0);
    return { deviceId: pool.device.id, sessions, budgetBytes: budget, pinnedBytes: pinned };
  }
}
