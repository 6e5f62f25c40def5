import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NotFoundError, UnavailableError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { writeDemoModels } from './demo/write-demo-models';
import { ModelLoadError } from './errors/model-load.error';
import type { ModelConfig } from './interfaces/model-config.interface';
import type { ModelReadinessGate } from './interfaces/readiness-gate.interface';
import type { ServedModel } from './interfaces/served-model.interface';
import { KeyedMutex } from './repository/keyed-mutex';
import { ModelFolderAdapter, type ModelFolder } from './repository/model-folder.adapter';
import { parseModelConfig } from './repository/model-config.schema';
import { ModelPinner } from './repository/model-pinner';
import { ModelUsage } from './repository/model-usage';
import { servedVersions } from './repository/version-policy';
import { ModelTrust } from './trust/model-trust.service';

/** One row of the repository index (Triton's states; `version` absent for a model never loaded). */
export interface RepositoryIndexEntry {
  name: string;
  version?: string;
  state: ServedModel['state'];
  reason?: string;
}

/**
 * The model repository: finds models/<name>/<version>/model.onnx, pins the versions its config's
 * version policy serves in the device pools, and answers what is served and whether it is ready.
 *
 * @remarks Control modes as Triton's: `none` loads once at start; `explicit` loads what
 * SWITCHYARD_MODELS names, then load()/unload() change it; `poll` also follows the folder. Loads
 * and unloads of one model are serialised; an unload first lets the requests holding the version
 * (see acquire()) finish. Start-up loading runs after the app boots (liveness answers meanwhile).
 */
@Injectable()
export class ModelRepositoryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModelRepositoryService.name);
  private readonly models = new Map<string, ServedModel>();
  /** Versions unloaded (or never served) since start, for the index. */
  private readonly gone = new Map<string, RepositoryIndexEntry>();
  /** The config each loaded version came from, as given (before completion from the session). */
  private readonly sources = new Map<string, string>();
  private readonly fromStartup = new WeakSet<ServedModel>();
  private readonly mutex = new KeyedMutex();
  private readonly usage = new ModelUsage();
  private readonly pollSignatures = new Map<string, string>();
  private loading: Promise<void> = new Promise(() => undefined);
  private loaded = false;
  private pollTimer?: NodeJS.Timeout;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly pinner: ModelPinner,
    private readonly folders: ModelFolderAdapter,
    private readonly trust: ModelTrust,
  ) {}

  onApplicationBootstrap(): void {
    this.loading = this.loadAtStart().then(
      () => {
        this.loaded = true;
        if (this.config.models.control === 'poll') this.schedulePoll();
      },
      (err: Error) => {
        this.loaded = true;
        this.logger.error(`loading the model repository failed: ${err.message}`);
      },
    );
  }

  onApplicationShutdown(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  whenLoaded(): Promise<void> {
    return this.loading;
  }

  /** Registers work a version must pass before it turns READY after a runtime load. */
  addReadinessGate(gate: ModelReadinessGate): void {
    this.pinner.gates.push(gate);
  }

  /** Ready when start-up loading has settled and every version loaded at start is READY. */
  ready(): boolean {
    return this.loaded && this.list().every((m) => m.state === 'READY' || m.state === 'UNLOADING' || !this.fromStartup.has(m));
  }

  list(): ServedModel[] {
    return [...this.models.values()];
  }

  /** A served version; without `version`, the highest READY one (the highest one when none is). */
  get(name: string, version?: string): ServedModel {
    const versions = this.list().filter((m) => m.name === name);
    if (versions.length === 0) {
      const gone = [...this.gone.values()].find((e) => e.name === name);
      throw new NotFoundError(gone ? `model "${name}" is not loaded (${gone.reason ?? 'unloaded'})` : `unknown model "${name}"`);
    }
    if (version === undefined || version === '') {
      const ready = versions.filter((m) => m.state === 'READY');
      return (ready.length ? ready : versions).reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
    }
    const found = versions.find((m) => m.version === version);
    if (!found) throw new NotFoundError(`unknown version "${version}" of model "${name}" (served: ${versions.map((v) => v.version).join(', ')})`);
    return found;
  }

  /**
   * Holds `model` for one request until the returned release is called; 503 unless it is READY.
   * An unload waits for every holder, so admitted requests finish.
   */
  acquire(model: ServedModel): () => void {
    const current = this.models.get(model.key);
    if (current !== model || model.state !== 'READY') {
      const state = current === model ? model.state : 'UNAVAILABLE';
      throw new UnavailableError(`model ${model.name} version ${model.version} is not ready (${state}${model.reason ? `: ${model.reason}` : ''})`);
    }
    return this.usage.acquire(model.key);
  }

  /** Loaded versions, versions unloaded since start, and (with `scan`) the repository's other models. */
  async index(): Promise<RepositoryIndexEntry[]> {
    const rows: RepositoryIndexEntry[] = this.list().map(({ name, version, state, reason }) => ({ name, version, state, ...(reason ? { reason } : {}) }));
    for (const entry of this.gone.values()) if (!this.models.has(`${entry.name}@${entry.version}`)) rows.push(entry);
    const known = new Set(rows.map((r) => r.name));
    for (const folder of await this.folders.scan(this.config.models.repository)) if (!known.has(folder.name)) rows.push({ name: folder.name, state: 'UNAVAILABLE', reason: 'not loaded' });
    return rows.sort((a, b) => a.name.localeCompare(b.name) || Number(a.version ?? 0) - Number(b.version ?? 0));
  }

  /**
   * Loads (or reloads) a model: the versions its version policy serves, with `configOverride`
   * (Triton's parameters.config, a JSON string) instead of config.json when given. Versions already
   * READY with the same file and config are kept; others are drained and replaced.
   */
  async load(name: string, configOverride?: string): Promise<void> {
    this.assertControl('load');
    return this.mutex.run(name, () => this.loadModel(name, configOverride, false));
  }

  /** Unloads every version of a model after the requests holding them have finished. */
  async unload(name: string): Promise<void> {
    this.assertControl('unload');
    return this.mutex.run(name, () => this.unloadModel(name, 'unloaded'));
  }

  private assertControl(what: string): void {
    if (this.config.models.control !== 'explicit') {
      throw new ModelLoadError(`explicit model ${what} is not allowed in model control mode "${this.config.models.control}" (set SWITCHYARD_MODEL_CONTROL=explicit)`);
    }
  }

  private async loadAtStart(): Promise<void> {
    const { repository, load, generateDemo, control } = this.config.models;
    if (generateDemo) {
      const written = await writeDemoModels(repository, { only: load.length ? load : undefined, log: (l) => this.logger.log(l) });
      if (written.length) this.logger.log(`generated demo models: ${written.join(', ')}`);
    }
    const all = await this.folders.scan(repository);
    const folders = control === 'explicit' || load.length ? all.filter((f) => load.includes(f.name)) : all;
    for (const missing of load.filter((name) => !folders.some((f) => f.name === name))) {
      this.logger.error(`SWITCHYARD_MODELS names "${missing}", which is not in ${repository}`);
    }
    for (const folder of folders) {
      this.pollSignatures.set(folder.name, signature(folder));
      await this.mutex.run(folder.name, () => this.loadFolder(folder, folder.config, true)).catch(() => undefined);
    }
    this.logger.log(`models: ${this.list().map((m) => `${m.name}@${m.version} ${m.state}${m.reason ? ` (${m.reason})` : ''}`).join('; ') || 'none'}`);
  }

  private async loadModel(name: string, override: string | undefined, atStart: boolean): Promise<void> {
    const folder = await this.folders.read(this.config.models.repository, name);
    if (!folder) throw new NotFoundError(`no model "${name}" in the repository ${this.config.models.repository}`);
    let config = folder.config;
    if (override !== undefined) {
      const parsed = parseModelConfig(name, override, true);
      if ('problem' in parsed) throw new ModelLoadError(`invalid config override for model "${name}": ${parsed.problem}`);
      config = parsed.config;
      folder.configError = undefined;
    }
    await this.loadFolder(folder, config, atStart);
  }

  private async loadFolder(folder: ModelFolder, config: ModelConfig | undefined, atStart: boolean): Promise<void> {
    const name = folder.name;
    if (folder.configError) {
      for (const v of folder.versions) this.fail(name, v.version, folder.configError, atStart);
      throw new ModelLoadError(`failed to load model "${name}": ${folder.configError}`);
    }
    const wanted = servedVersions(
      folder.versions.map((v) => v.version),
      config?.version_policy,
    );
    if (wanted.length === 0) throw new ModelLoadError(`model "${name}" has no version to serve (found: ${folder.versions.map((v) => v.version).join(', ') || 'none'})`);
    for (const old of this.list().filter((m) => m.name === name && !wanted.includes(m.version))) await this.retire(old, 'unloaded: not in the version policy');
    const failures: string[] = [];
    for (const version of wanted) {
      const file = folder.versions.find((v) => v.version === version)!;
      const key = `${name}@${version}`;
      const sha256 = await this.folders.sha256(file.path);
      const source = JSON.stringify(config ?? null);
      const existing = this.models.get(key);
      if (existing?.state === 'READY' && existing.sha256 === sha256 && this.sources.get(key) === source) continue;
      if (existing) await this.retire(existing, 'unloaded: replaced by a new load');
      // every load (start-up, the repository API, a poll) checks the files against their manifest
      const untrusted = await this.trust.refusal(this.config.models.repository, name, version);
      if (untrusted) {
        this.logger.error(`${key} refused: ${untrusted}`);
        this.fail(name, version, untrusted, atStart);
        failures.push(`version ${version}: ${untrusted}`);
        continue;
      }
      const model = this.pinner.newVersion(name, version, sha256, config);
      this.models.set(key, model);
      this.sources.set(key, source);
      this.gone.delete(key);
      if (atStart) this.fromStartup.add(model);
      await this.pinner.pin(model, file, this.list(), !atStart);
      if (model.state !== 'READY') failures.push(`version ${version}: ${model.reason}`);
    }
    if (failures.length) throw new ModelLoadError(`failed to load model "${name}": ${failures.join('; ')}`);
  }

  private async unloadModel(name: string, reason: string): Promise<void> {
    const versions = this.list().filter((m) => m.name === name);
    if (versions.length === 0) {
      const known = [...this.gone.values()].some((e) => e.name === name) || (await this.folders.read(this.config.models.repository, name));
      if (!known) throw new NotFoundError(`unknown model "${name}"`);
      return;
    }
    await Promise.all(versions.map((m) => this.retire(m, reason)));
  }

  /** UNLOADING (new requests refused), wait for the holders, drop the sessions, then forget it. */
  private async retire(model: ServedModel, reason: string): Promise<void> {
    model.state = 'UNLOADING';
    const holders = this.usage.inUse(model.key);
    if (holders) this.logger.log(`${model.key} unloading: waiting for ${holders} request(s) to finish`);
    await this.usage.drained(model.key);
    await this.pinner.unpin(model);
    if (this.models.get(model.key) === model) this.models.delete(model.key);
    this.sources.delete(model.key);
    Object.assign(model, { state: 'UNAVAILABLE', reason });
    this.gone.set(model.key, { name: model.name, version: model.version, state: 'UNAVAILABLE', reason });
    this.logger.log(`${model.key} ${reason}`);
  }

  private fail(name: string, version: string, reason: string, atStart: boolean): void {
    const model = this.pinner.newVersion(name, version, '', undefined);
    Object.assign(model, { state: 'UNAVAILABLE', reason });
    if (atStart) {
      this.models.set(model.key, model);
      this.fromStartup.add(model);
    } else {
      this.gone.set(model.key, { name, version, state: 'UNAVAILABLE', reason });
    }
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => {
      this.poll()
        .catch((err: Error) => this.logger.warn(`repository poll failed: ${err.message}`))
        .finally(() => {
          if (this.pollTimer) this.schedulePoll();
        });
    }, this.config.models.pollIntervalMs);
    this.pollTimer.unref();
  }

  /** Poll mode: loads new or changed model folders, unloads the ones removed. */
  private async poll(): Promise<void> {
    const folders = await this.folders.scan(this.config.models.repository);
    const wanted = this.config.models.load;
    const present = new Set<string>();
    for (const folder of folders.filter((f) => wanted.length === 0 || wanted.includes(f.name))) {
      present.add(folder.name);
      const sig = signature(folder);
      if (this.pollSignatures.get(folder.name) === sig) continue;
      this.pollSignatures.set(folder.name, sig);
      this.logger.log(`poll: model folder ${folder.name} changed, loading it`);
      await this.mutex.run(folder.name, () => this.loadModel(folder.name, undefined, false)).catch((err: Error) => this.logger.warn(`poll: ${err.message}`));
    }
    for (const name of [...this.pollSignatures.keys()].filter((n) => !present.has(n))) {
      this.pollSignatures.delete(name);
      this.logger.log(`poll: model folder ${name} is gone, unloading it`);
      await this.mutex.run(name, () => this.unloadModel(name, 'unloaded: removed from the repository')).catch(() => undefined);
    }
  }
}

/** What poll mode compares to notice a change without hashing every file each time. */
function signature(folder: ModelFolder): string {
  return JSON.stringify([folder.config ?? null, folder.configError ?? null, folder.versions.map((v) => [v.version, v.bytes, v.mtimeMs])]);
}
