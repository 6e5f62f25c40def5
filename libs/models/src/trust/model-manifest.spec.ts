import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, manifestRefusal, writeManifest } from './model-manifest';

describe(manifestRefusal.name, () => {
  const trusted = generateKeyPairSync('ed25519');
  const stranger = generateKeyPairSync('ed25519');
  const keys = [createPublicKey(trusted.privateKey)];
  let repo: string;
  let outside: string;

  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'sy-manifest-'));
    outside = await mkdtemp(join(tmpdir(), 'sy-outside-'));
    await mkdir(join(repo, 'm', '1', 'extra'), { recursive: true });
    await writeFile(join(repo, 'm', 'config.json'), '{"name":"m"}');
    await writeFile(join(repo, 'm', '1', 'model.onnx'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    await writeFile(join(repo, 'm', '1', 'extra', 'vocab.txt'), 'a b c');
  });

  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const flipByte = async (file: string) => {
    const bytes = await readFile(file);
    bytes[3] ^= 0x01;
    await writeFile(file, bytes);
  };

  it('accepts untouched files under digest, and a trusted signature under signed', async () => {
    const manifest = await writeManifest(repo, 'm', '1', trusted.privateKey);
    expect(Object.keys(manifest.files).sort()).toEqual(['1/extra/vocab.txt', '1/model.onnx', 'config.json']);
    expect(await manifestRefusal(repo, 'm', '1', 'digest', [])).toBeUndefined();
    expect(await manifestRefusal(repo, 'm', '1', 'signed', keys)).toBeUndefined();
  });

  it.each([
    ['one flipped byte in the model', async () => flipByte(join(repo, 'm', '1', 'model.onnx')), '1/model.onnx does not match its manifest digest'],
    ['a changed config.json', async () => writeFile(join(repo, 'm', 'config.json'), '{"name":"m","max_batch_size":8}'), 'config.json does not match'],
    ['an added file', async () => writeFile(join(repo, 'm', '1', 'extra', 'payload.so'), 'x'), '1/extra/payload.so not listed in the manifest'],
    ['a removed file', async () => rm(join(repo, 'm', '1', 'extra', 'vocab.txt')), '1/extra/vocab.txt is listed in the manifest but missing'],
    [
      'a symlink out of the repository',
      async () => {
        await writeFile(join(outside, 'evil.onnx'), 'x');
        await symlink(join(outside, 'evil.onnx'), join(repo, 'm', '1', 'extra', 'link.onnx'));
      },
      'points outside the repository',
    ],
  ])('refuses %s', async (_what, tamper, reason) => {
    await writeManifest(repo, 'm', '1');
    await tamper();
    expect(await manifestRefusal(repo, 'm', '1', 'digest', [])).toContain(reason);
  });

  it('refuses under signed: no manifest, an unsigned one, one signed by an unknown key, a signature over other digests', async () => {
    expect(await manifestRefusal(repo, 'm', '1', 'signed', keys)).toContain(`no ${MANIFEST_FILE}`);
    await writeManifest(repo, 'm', '1');
    expect(await manifestRefusal(repo, 'm', '1', 'signed', keys)).toBe('the manifest is not signed (SWITCHYARD_MODEL_TRUST=signed)');
    await writeManifest(repo, 'm', '1', stranger.privateKey);
    expect(await manifestRefusal(repo, 'm', '1', 'signed', keys)).toContain('is not made by a trusted key');
    // the files and the manifest digests changed together, the signature kept: caught by the signature
    await writeManifest(repo, 'm', '1', trusted.privateKey);
    await flipByte(join(repo, 'm', '1', 'model.onnx'));
    const path = join(repo, 'm', '1', MANIFEST_FILE);
    const forged = JSON.parse(await readFile(path, 'utf8'));
    const honest = await writeManifest(repo, 'm', '1');
    await writeFile(path, JSON.stringify({ ...forged, files: honest.files }));
    expect(await manifestRefusal(repo, 'm', '1', 'digest', [])).toBeUndefined();
    expect(await manifestRefusal(repo, 'm', '1', 'signed', keys)).toContain('is not made by a trusted key');
  });
});
