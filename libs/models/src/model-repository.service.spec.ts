import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@switchyard/config';
import { DeviceModelStatusService, type DeviceInfo } from '@switchyard/devices';
import { type RuntimeService } from '@switchyard/runtime';
import { PiscinaDevicePool } from '@switchyard/runtime/testing';
import { writeDemoModels } from './demo/write-demo-models';
import { ModelRepositoryService } from './model-repository.service';
import { ModelFolderAdapter } from './repository/model-folder.adapter';
import { ModelTrust } from './trust/model-trust.service';
import { ModelPinner } from './repository/model-pinner';

const cpu: DeviceInfo = { id: 'cpu:0', kind: 'cpu', vendor: 'test', name: 'cpu', executionProvider: 'cpu', usable: true, costWeight: 1, details: {} };

describe(ModelRepositoryService.name, () => {
  let root: string;
  let pool: PiscinaDevicePool;
  let sut: ModelRepositoryService;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-repo-'));
    await writeDemoModels(root, { only: ['mlp_tiny', 'dtype_echo'] });
    // version 2 of mlp_tiny: the latest is served by default
    await cp(join(root, 'mlp_tiny', '1'), join(root, 'mlp_tiny', '2'), { recursive: true });
    // a config that contradicts the model
    await cp(join(root, 'mlp_tiny'), join(root, 'wrong_dtype'), { recursive: true });
    const wrong = JSON.parse(await readFile(join(root, 'wrong_dtype', 'config.json'), 'utf8'));
    wrong.input[0].data_type = 'FP16';
    await writeFile(join(root, 'wrong_dtype', 'config.json'), JSON.stringify(wrong));
    // a config that is not JSON
    await mkdir(join(root, 'broken', '1'), { recursive: true });
    await cp(join(root, 'mlp_tiny', '1', 'model.onnx'), join(root, 'broken', '1', 'model.onnx'));
    await writeFile(join(root, 'broken', 'config.json'), '{ nope');
    // no config at all: served as the session describes it, without batching
    await mkdir(join(root, 'bare', '7'), { recursive: true });
    await cp(join(root, 'mlp_tiny', '1', 'model.onnx'), join(root, 'bare', '7', 'model.onnx'));

    pool = new PiscinaDevicePool({ device: cpu, workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1 });
    await pool.start();
    const runtime = { pools: () => [pool] } as unknown as RuntimeService;
    const config = loadConfig({ SWITCHYARD_MODEL_REPOSITORY: root, SWITCHYARD_GENERATE_DEMO_MODELS: 'false' });
    sut = new ModelRepositoryService(
      config,
      new ModelPinner(config, runtime, new DeviceModelStatusService()),
      new ModelFolderAdapter(),
      new ModelTrust(config),
    );
    sut.onApplicationBootstrap();
    await sut.whenLoaded();
  });

  afterAll(async () => {
    await pool.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves the latest version, pinned on the device, with batch-aware shapes', () => {
    const model = sut.get('mlp_tiny');
    expect(model).toMatchObject({ version: '2', key: 'mlp_tiny@2', state: 'READY', devices: ['cpu:0'], maxBatchSize: 64 });
    expect(model.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 16] }]);
    expect(model.outputs).toEqual([{ name: 'output', datatype: 'FP32', shape: [-1, 8] }]);
    expect(model.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses unknown models and versions with NotFoundError', () => {
    expect(() => sut.get('nope')).toThrow('unknown model "nope"');
    expect(() => sut.get('mlp_tiny', '1')).toThrow('unknown version "1" of model "mlp_tiny" (served: 2)');
  });

  it('marks models whose config is broken or contradicts the model UNAVAILABLE, with the reason', () => {
    expect(sut.get('wrong_dtype')).toMatchObject({ state: 'UNAVAILABLE', devices: [] });
    expect(sut.get('wrong_dtype').reason).toContain('config.json says input "input" is FP16, the model says FP32');
    expect(sut.get('broken').state).toBe('UNAVAILABLE');
    expect(sut.get('broken').reason).toContain('config.json');
    expect(sut.ready()).toBe(false);
  });

  it('serves a model without config.json as its session describes it', () => {
    expect(sut.get('bare')).toMatchObject({ version: '7', state: 'READY', maxBatchSize: 0 });
    expect(sut.get('bare').inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 16] }]);
  });

  it('lists every served version in the repository index', async () => {
    expect((await sut.index()).map((e) => `${e.name}@${e.version}:${e.state}`)).toEqual([
      'bare@7:READY',
      'broken@1:UNAVAILABLE',
      'dtype_echo@1:READY',
      'mlp_tiny@2:READY',
      'wrong_dtype@2:UNAVAILABLE',
    ]);
  });

  it('refuses load and unload outside explicit model control (mode none)', async () => {
    await expect(sut.load('mlp_tiny')).rejects.toThrow('not allowed in model control mode "none"');
    await expect(sut.unload('mlp_tiny')).rejects.toThrow('not allowed in model control mode "none"');
  });
});
