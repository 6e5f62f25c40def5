import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { NotFoundError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { RuntimeService, type ModelSessionMetadata } from '@switchyard/runtime';
import { writeDemoModels } from './demo/write-demo-models';
import type { ModelConfig } from './interfaces/model-config.interface';
import type { ServedModel } from './interfaces/served-model.interface';
import { ModelFolderAdapter, type ModelFolder } from './repository/model-folder.adapter';
import { buildTensorSpecs, defaultConfig } from './repository/served-model.builder';
import { servedVersions } from './repository/version-policy';
import { ModelTrust } from './trust/model-trust.service';

export interface RepositoryIndexEntry {
  name: string;
  version: string;
  state: ServedModel['state'];
  reason?: string;
}

/**
 * The model repository: finds models/<name>/<version>/model.onnx, pins each served version in
 * every device pool, and answers what is served and whether it is ready.
 *
 * @remarks Loading starts after the app boots (liveness answers meanwhile); `whenLoaded()`
 * resolves once every model has settled, READY or UNAVAILABLE.
 */
@Injectable()
export class ModelRepositoryService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ModelRepositoryService.name);
  private readonly models = new Map<string, ServedModel>();
  private loading: Promise<void> = new Promise(() => undefined);
  private loaded = false;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
    private readonly folders: ModelFolderAdapter,
    private readonly trust: ModelTrust,
  ) {}

  onApplicationBootstrap(): void {
    this.loading = this.loadAll().then(
      () => {
        this.loaded = true;
      },
      (err: Error) => {
        this.loaded = true;
        this.logger.error(`loading the model repository failed: ${err.message}`);
      },
    );
  }

  whenLoaded(): Promise<void> {
    return this.loading;
  }

  /** Ready when loading has settled and every served model is READY. */
  ready(): boolean {
    return this.loaded && [...this.models.values()].every((m) => m.state === 'READY');
  }

  list(): ServedModel[] {
    return [...this.models.values()];
  }

  /** A served version; the highest served version when `version` is absent. */
  get(name: string, version?: string): ServedModel {
    const versions = this.list().filter((m) => m.name === name);
    if (versions.length === 0) throw new NotFoundError(`unknown model "${name}"`);
    if (version === undefined || version === '') return versions.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
    const found = versions.find((m) => m.version === version);
    if (!found) throw new NotFoundError(`unknown version "${version}" of model "${name}" (served: ${versions.map((v) => v.version).join(', ')})`);
    return found;
  }

  index(): RepositoryIndexEntry[] {
    return this.list().map(({ name, version, state, reason }) => ({ name, version, state, ...(reason ? { reason } : {}) }));
  }

  private async loadAll(): Promise<void> {
    const { repository, load, generateDemo } = this.config.models;
    if (generateDemo) {
      const written = await writeDemoModels(repository, { only: load.length ? load : undefined, log: (l) => this.logger.log(l) });
      if (written.length) this.logger.log(`generated demo models: ${written.join(', ')}`);
    }
    const folders = (await this.folders.scan(repository)).filter((f) => load.length === 0 || load.includes(f.name));
    for (const missing of load.filter((name) => !folders.some((f) => f.name === name))) {
      this.logger.error(`SWITCHYARD_MODELS names "${missing}", which is not in ${repository}`);
    }
    for (const folder of folders) await this.loadFolder(folder);
    this.logger.log(`models: ${this.index().map((m) => `${m.name}@${m.version} ${m.state}${m.reason ? ` (${m.reason})` : ''}`).join('; ') || 'none'}`);
  }

  private async loadFolder(folder: ModelFolder): Promise<void> {
    const versions = servedVersions(folder.versions.map((v) => v.version), folder.config?.version_policy);
    for (const version of versions) {
      const path = folder.versions.find((v) => v.version === version)!.path;
      const key = `${folder.name}@${version}`;
      const model: ServedModel = {
        name: folder.name,
        version,
        key,
        platform: 'onnxruntime_onnx',
        config: folder.config ?? { name: folder.name, platform: 'onnxruntime_onnx', max_batch_size: 0, input: [], output: [] },
        inputs: [],
        outputs: [],
        maxBatchSize: folder.config?.max_batch_size ?? 0,
        state: 'LOADING',
        devices: [],
        sha256: await this.folders.sha256(path),
      };
      this.models.set(key, model);
      if (folder.configError) {
        Object.assign(model, { state: 'UNAVAILABLE', reason: folder.configError });
        continue;
      }
      const untrusted = await this.trust.refusal(this.config.models.repository, folder.name, version);
      if (untrusted) {
        Object.assign(model, { state: 'UNAVAILABLE', reason: untrusted });
        this.logger.error(`${key} refused: ${untrusted}`);
        continue;
      }
      await this.pin(model, path);
    }
  }

  private async pin(model: ServedModel, path: string): Promise<void> {
    const started = Date.now();
    const pools = this.runtime.pools();
    const results = await Promise.allSettled(pools.map((pool) => pool.loadModel({ key: model.key, path })));
    const failures: string[] = [];
    let metadata: ModelSessionMetadata | undefined;
    results.forEach((r, i) => {
      const deviceId = pools[i].device.id;
      if (r.status === 'fulfilled') {
        model.devices.push(deviceId);
        metadata ??= r.value;
      } else {
        failures.push(`${deviceId}: ${(r.reason as Error).message}`);
        this.logger.warn(`${model.key} cannot run on ${deviceId}: ${(r.reason as Error).message}`);
      }
    });
    if (!metadata) {
      Object.assign(model, { state: 'UNAVAILABLE', reason: failures.join('; ') || 'no usable device to load it on' });
      return;
    }
    const config: ModelConfig = model.config.input.length || model.config.output.length ? model.config : defaultConfig(model.name, metadata);
    const specs = buildTensorSpecs(config, metadata);
    if ('reason' in specs) {
      await Promise.allSettled(pools.filter((p) => model.devices.includes(p.device.id)).map((p) => p.unloadModel(model.key)));
      Object.assign(model, { state: 'UNAVAILABLE', reason: specs.reason, devices: [] });
      return;
    }
    Object.assign(model, { config, inputs: specs.inputs, outputs: specs.outputs, state: 'READY' });
    this.logger.log(`${model.key} ready on ${model.devices.join(', ')} in ${Date.now() - started} ms`);
  }
}
