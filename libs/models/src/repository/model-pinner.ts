import { Inject, Injectable, Logger } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { RuntimeService, type DevicePool, type ModelSessionMetadata } from '@switchyard/runtime';
import type { ModelConfig } from '../interfaces/model-config.interface';
import type { ModelReadinessGate } from '../interfaces/readiness-gate.interface';
import type { ServedModel } from '../interfaces/served-model.interface';
import { fitDevices, type DeviceRoom } from './memory-fit';
import { buildTensorSpecs, completeConfig } from './served-model.builder';

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

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
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
    results.forEach((r, i) => {
      const deviceId = targets[i].device.id;
      if (r.status === 'fulfilled') {
        model.devices.push(deviceId);
        metadata ??= r.value;
      } else {
        failures.push(`${deviceId}: ${(r.reason as Error).message}`);
        this.logger.warn(`${model.key} cannot run on ${deviceId}: ${(r.reason as Error).message}`);
      }
    });
    if (!metadata) return this.giveUp(model, failures.join('; ') || 'no usable device to load it on');
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
    model.devices = [];
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
