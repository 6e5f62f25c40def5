import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startServer } from '../apps/server/src/bootstrap';
import { verifyResponseSignature } from '../clients/response-signature';
import { writeAuthFile, writeKeyPair } from './support/auth-fixture';
import { modelRepository } from './support/repo-paths';
import { waitFor } from './support/jobs-ports';

const run = promisify(execFile);
const SIGN_CLI = join(__dirname, '..', 'scripts', 'sign-models.js');
const row = Array.from({ length: 16 }, (_, i) => i / 16);
const MLP_BODY = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: row }] });

/**
 * Trusted models, signed outputs and the audit log on the real app: a repository signed with
 * the model:sign CLI (a child process), served under SWITCHYARD_MODEL_TRUST=signed; tampered,
 * unsigned, foreign-signed and escaping versions are UNAVAILABLE with the reason. Responses are
 * signed and verified independently with node:crypto; the audit file gets one line per request.
 */
describe('Security: trusted models, signed outputs, audit (e2e)', () => {
  const repo = mkdtempSync(join(tmpdir(), 'sy-trust-repo-'));
  const outside = mkdtempSync(join(tmpdir(), 'sy-trust-outside-'));
  const auditFile = join(mkdtempSync(join(tmpdir(), 'sy-audit-')), 'audit.jsonl');
  const modelKeys = writeKeyPair();
  const strangerKeys = writeKeyPair();
  const outputKeys = writeKeyPair();
  const auth = writeAuthFile([{ name: 'shop', scopes: ['inference', 'metadata', 'model-repository'] }]);
  const headers = () => ({ authorization: `Bearer ${auth.keys.shop}` });
  let app: NestFastifyApplication;
  let url: string;

  const copyModel = (name: string) => {
    cpSync(join(modelRepository(), 'mlp_tiny'), join(repo, name), { recursive: true });
    const configPath = join(repo, name, 'config.json');
    writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), name }));
  };
  const sign = (args: string[]) => run(process.execPath, [SIGN_CLI, repo, ...args]);

  beforeAll(async () => {
    for (const name of ['good', 'flipped', 'stranger', 'unsigned', 'escaped', 'late', 'late_flipped']) copyModel(name);
    await sign([
      '--key',
      modelKeys.privatePath,
      '--model',
      'good',
      '--model',
      'flipped',
      '--model',
      'escaped',
      '--model',
      'late',
      '--model',
      'late_flipped',
    ]);
    await sign(['--key', strangerKeys.privatePath, '--model', 'stranger']);
    await sign(['--model', 'unsigned']);
    for (const name of ['flipped', 'late_flipped']) {
      const onnx = join(repo, name, '1', 'model.onnx');
      const bytes = readFileSync(onnx);
      bytes[bytes.length >> 1] ^= 0x01;
      writeFileSync(onnx, bytes);
    }
    // the signed file swapped for a link to a file outside the repository (same bytes)
    const escaped = join(repo, 'escaped', '1', 'model.onnx');
    cpSync(escaped, join(outside, 'model.onnx'));
    rmSync(escaped);
    symlinkSync(join(outside, 'model.onnx'), escaped);
    ({ app, url } = await startServer({
      HOST: '127.0.0.1',
      PORT: 0,
      MODEL_REPOSITORY: repo,
      // explicit: the late models are loaded through the repository API, and checked there too
      MODEL_CONTROL: 'explicit',
      MODELS: 'good,flipped,stranger,unsigned,escaped',
      GENERATE_DEMO_MODELS: false,
      PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-trust-profiles-')),
      CALIBRATION: 'skip',
      TELEMETRY_INTERVAL_MS: 0,
      DISABLED_DEVICES: 'gpu:0',
      LOG_LEVEL: 'warn',
      MODEL_TRUST: 'signed',
      TRUSTED_KEYS: modelKeys.publicPath,
      SIGNING_KEY: outputKeys.privatePath,
      AUTH_FILE: auth.path,
      AUDIT_FILE: auditFile,
    }));
    await waitFor(
      'the repository to settle',
      async () => {
        const index = (await (await fetch(`${url}/v2/repository/index`, { method: 'POST', headers: headers() })).json()) as {
          name: string;
          version?: string;
          state: string;
        }[];
        // a version row that is no longer LOADING (a model not yet read has a row without version)
        const settled = index.filter((m) => m.version !== undefined && m.state !== 'LOADING').map((m) => m.name);
        return ['good', 'flipped', 'stranger', 'unsigned', 'escaped'].every((n) => settled.includes(n)) ? true : undefined;
      },
      90_000,
      200,
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    rmSync(repo, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('serves the signed version and refuses the others, each with its reason', async () => {
    const index = (await (await fetch(`${url}/v2/repository/index`, { method: 'POST', headers: headers() })).json()) as {
      name: string;
      state: string;
      reason?: string;
    }[];
    const byName = Object.fromEntries(index.map((m) => [m.name, m]));
    expect(byName.good.state).toBe('READY');
    expect(byName.flipped).toMatchObject({ state: 'UNAVAILABLE' });
    expect(byName.flipped.reason).toContain('1/model.onnx does not match its manifest digest');
    expect(byName.stranger.reason).toContain('is not made by a trusted key');
    expect(byName.unsigned.reason).toContain('the manifest is not signed');
    expect(byName.escaped.reason).toContain('points outside the repository');
    const refused = await fetch(`${url}/v2/models/flipped/infer`, {
      method: 'POST',
      body: MLP_BODY,
      headers: { ...headers(), 'content-type': 'application/json' },
    });
    expect(refused.status).toBe(503);
  });

  it('checks a model loaded through the repository API too: a signed one loads, a flipped byte is refused with the reason', async () => {
    const load = (name: string) =>
      fetch(`${url}/v2/repository/models/${name}/load`, {
        method: 'POST',
        body: '{}',
        headers: { ...headers(), 'content-type': 'application/json' },
      });
    expect((await load('late')).status).toBe(200);
    const refused = await load('late_flipped');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain('1/model.onnx does not match its manifest digest');
    const index = (await (await fetch(`${url}/v2/repository/index`, { method: 'POST', headers: headers() })).json()) as {
      name: string;
      state: string;
      reason?: string;
    }[];
    expect(index.find((m) => m.name === 'late')?.state).toBe('READY');
    const entry = index.find((m) => m.name === 'late_flipped');
    expect(entry?.state).toBe('UNAVAILABLE');
    expect(entry?.reason).toContain('does not match its manifest digest');
    const served = await fetch(`${url}/v2/models/late/infer`, {
      method: 'POST',
      body: MLP_BODY,
      headers: { ...headers(), 'content-type': 'application/json' },
    });
    expect(served.status).toBe(200);
  });

  it('signs each response; an independent node:crypto check verifies it, and a changed body fails', async () => {
    const keyInfo = (await (await fetch(`${url}/v1/signing-key`, { headers: headers() })).json()) as {
      public_key_pem: string;
      key_id: string;
    };
    expect(keyInfo.public_key_pem.trim()).toBe(outputKeys.publicPem.trim());
    const res = await fetch(`${url}/v2/models/good/infer`, {
      method: 'POST',
      body: MLP_BODY,
      headers: { ...headers(), 'content-type': 'application/json', 'x-request-id': 'audit-me-1' },
    });
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    const header = res.headers.get('switchyard-signature')!;
    // independent: parse the header and rebuild the documented message by hand
    const fields = Object.fromEntries(
      header
        .split('; ')
        .slice(1)
        .map((p) => [p.split('=')[0], decodeURIComponent(p.slice(p.indexOf('=') + 1))]),
    );
    expect(fields.request_id).toBe('audit-me-1');
    expect(fields.model).toBe('good');
    expect(fields.body_digest).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
    expect(fields.model_digest).toBe(
      `sha256:${createHash('sha256')
        .update(readFileSync(join(repo, 'good', '1', 'model.onnx')))
        .digest('hex')}`,
    );
    const message = [
      'switchyard-signature-v1',
      fields.request_id,
      fields.model,
      fields.version,
      fields.model_digest,
      fields.body_digest,
    ].join('\n');
    expect(verify(null, Buffer.from(message), createPublicKey(outputKeys.publicPem), Buffer.from(fields.signature, 'base64'))).toBe(true);
    // the clients/ helper agrees, and refuses a body that was changed after signing
    expect(verifyResponseSignature(body, header, keyInfo.public_key_pem)).toMatchObject({ valid: true });
    const changed = Buffer.from(body.toString('utf8').replace(/"data":\[([-\d.e]+)/, (_m, n: string) => `"data":[${Number(n) + 1}`));
    expect(changed.equals(body)).toBe(false);
    expect(verifyResponseSignature(changed, header, keyInfo.public_key_pem)).toMatchObject({
      valid: false,
      reason: 'the body is not the one that was signed',
    });
    expect(verifyResponseSignature(body, header, strangerKeys.publicPem).valid).toBe(false);
  });

  it('writes one audit line per request: tenant, model, device, status, digests, never payloads', async () => {
    const res = await fetch(`${url}/v2/models/good/infer`, {
      method: 'POST',
      body: MLP_BODY,
      headers: { ...headers(), 'content-type': 'application/json', 'x-request-id': 'audit-me-2' },
    });
    const out = Buffer.from(await res.arrayBuffer());
    await fetch(`${url}/v2/models/good/infer`, {
      method: 'POST',
      body: MLP_BODY,
      headers: { 'content-type': 'application/json', 'x-request-id': 'audit-me-3' },
    });
    const lines = await waitFor(
      'the audit lines',
      async () => {
        const text = readFileSync(auditFile, 'utf8');
        const parsed = text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        return parsed.some((l) => l.request_id === 'audit-me-3') ? { text, parsed } : undefined;
      },
      10_000,
      50,
    );
    const served = lines.parsed.find((l) => l.request_id === 'audit-me-2')!;
    expect(served).toMatchObject({
      tenant: 'shop',
      scope: 'inference',
      method: 'POST',
      route: '/v2/models/good/infer',
      model: 'good',
      version: '1',
      status: 200,
    });
    expect(served.device).toMatch(/^cpu:/);
    expect(served.input_sha256).toBe(`sha256:${createHash('sha256').update(MLP_BODY).digest('hex')}`);
    expect(served.output_sha256).toBe(`sha256:${createHash('sha256').update(out).digest('hex')}`);
    expect(served.bytes_out).toBe(out.length);
    const refused = lines.parsed.find((l) => l.request_id === 'audit-me-3')!;
    expect(refused).toMatchObject({ status: 401, scope: 'inference' });
    expect(refused.tenant).toBeUndefined();
    // no tensor values and no keys in the log
    expect(lines.text).not.toContain(String(row[5]));
    expect(lines.text).not.toContain(auth.keys.shop);
  });
});
