import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceError } from '@grpc/grpc-js';
import { GrpcInferenceClient } from '@switchyard/grpc/testing';
import WebSocket from 'ws';
import { createApp, startServer } from '../apps/server/src/bootstrap';
import { modelRepository } from './support/repo-paths';
import { describeWith, missingProgram } from './support/requirements';
import { httpsRequest, writeTestPki, type TestPki } from './support/tls-fixture';

const row = Array.from({ length: 16 }, (_, i) => i / 16);
const MLP_BODY = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: row }] });
const BASE = {
  HOST: '127.0.0.1',
  PORT: 0,
  MODELS: 'mlp_tiny',
  MODEL_REPOSITORY: modelRepository(),
  CALIBRATION: 'skip',
  TELEMETRY_INTERVAL_MS: 0,
  DISABLED_DEVICES: 'gpu:0',
  LOG_LEVEL: 'warn',
  GRPC_PORT: 0,
} as const;

/** A plain-HTTP request to a port; rejects when the connection is dropped. */
function plainHttp(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url.replace('https:', 'http:') + '/v2/health/live', { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The message a refused connection fails with (a timeout is not a refusal). */
async function refusal(answer: Promise<unknown>): Promise<string> {
  const message = await answer.then(
    () => 'answered',
    (err: Error) => err.message,
  );
  expect(message).not.toBe('answered');
  expect(message).not.toMatch(/timed out/);
  return message;
}

async function waitReady(url: string, tls: Parameters<typeof httpsRequest>[1]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await httpsRequest(`${url}/v2/health/ready`, tls)).status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready`);
}

/**
 * TLS on the real app with certificates made by the openssl CLI in the test: HTTPS serves the
 * API (plain HTTP on the port is refused), gRPC speaks TLS with the same files, mutual TLS admits only clients with a certificate
 * signed by SWITCHYARD_TLS_CLIENT_CA, and unreadable or mismatched files stop the boot with the
 * option named.
 */
describeWith('openssl', missingProgram('openssl', 'version'), 'Security: TLS and mutual TLS (e2e)', () => {
  let pki: TestPki;
  const read = (path: string) => readFileSync(path);

  beforeAll(() => {
    pki = writeTestPki();
  });

  describe('HTTPS', () => {
    let app: NestFastifyApplication;
    let url: string;
    let grpcAddress: string | undefined;

    beforeAll(async () => {
      ({ app, url, grpcAddress } = await startServer({ ...BASE, TLS_CERT: pki.serverCert, TLS_KEY: pki.serverKey }));
      await waitReady(url, { ca: read(pki.caCert) });
    }, 120_000);

    afterAll(async () => {
      await app?.close();
    });

    it('serves the API over HTTPS (the server certificate verified against the test CA)', async () => {
      expect(url.startsWith('https://127.0.0.1:')).toBe(true);
      const res = await httpsRequest(`${url}/v2/models/mlp_tiny/infer`, { ca: read(pki.caCert) }, 'POST', MLP_BODY);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).outputs[0].shape).toEqual([1, 8]);
    });

    it('serves the job result stream over the same server (wss://)', async () => {
      const first = await new Promise<{ event: string }>((resolve, reject) => {
        const ws = new WebSocket(`${url.replace('https', 'wss')}/v1/stream`, { ca: read(pki.caCert) });
        ws.once('message', (data) => {
          resolve(JSON.parse((data as Buffer).toString()) as { event: string });
          ws.close();
        });
        ws.once('error', reject);
      });
      expect(first.event).toBe('ready');
    });

    it('serves gRPC over TLS with the same files, and refuses a plaintext channel', async () => {
      const secure = new GrpcInferenceClient(grpcAddress!, { ca: read(pki.caCert) });
      const plain = new GrpcInferenceClient(grpcAddress!);
      try {
        expect(await secure.call('ServerLive')).toEqual({ live: true });
        const err = await plain.call('ServerLive', {}, { deadlineMs: 5000 }).then(
          () => undefined,
          (e: ServiceError) => e,
        );
        expect(err?.code).toBe(14); // UNAVAILABLE: no TLS handshake, no channel
      } finally {
        secure.close();
        plain.close();
      }
    });

    it('refuses plain HTTP on the same port', async () => {
      await refusal(plainHttp(url));
    });

    it('a client that does not trust the certificate cannot connect', async () => {
      await expect(httpsRequest(`${url}/v2/health/live`, {})).rejects.toThrow(/self.signed|unable to (get|verify)/i);
    });
  });

  describe('mutual TLS', () => {
    let app: NestFastifyApplication;
    let url: string;
    let grpcAddress: string | undefined;
    const good = () => ({ ca: read(pki.caCert), cert: read(pki.clientCert), key: read(pki.clientKey) });

    beforeAll(async () => {
      ({ app, url, grpcAddress } = await startServer({
        ...BASE,
        TLS_CERT: pki.serverCert,
        TLS_KEY: pki.serverKey,
        TLS_CLIENT_CA: pki.caCert,
      }));
      await waitReady(url, good());
    }, 120_000);

    afterAll(async () => {
      await app?.close();
    });

    it('admits a client with a certificate signed by the client CA', async () => {
      const res = await httpsRequest(`${url}/v2/models/mlp_tiny/infer`, good(), 'POST', MLP_BODY);
      expect(res.status).toBe(200);
    });

    it('holds gRPC to the same rule: a client certificate signed by the client CA', async () => {
      const good = new GrpcInferenceClient(grpcAddress!, { ca: read(pki.caCert), cert: read(pki.clientCert), key: read(pki.clientKey) });
      const without = new GrpcInferenceClient(grpcAddress!, { ca: read(pki.caCert) });
      const stranger = new GrpcInferenceClient(grpcAddress!, {
        ca: read(pki.caCert),
        cert: read(pki.strangerCert),
        key: read(pki.strangerKey),
      });
      try {
        expect(await good.call('ServerLive')).toEqual({ live: true });
        for (const client of [without, stranger]) {
          const err = await client.call('ServerLive', {}, { deadlineMs: 5000 }).then(
            () => undefined,
            (e: ServiceError) => e,
          );
          expect(err?.code).toBe(14);
        }
      } finally {
        for (const client of [good, without, stranger]) client.close();
      }
    });

    it('refuses a client without a certificate at the handshake', async () => {
      await refusal(httpsRequest(`${url}/v2/health/live`, { ca: read(pki.caCert) }));
    });

    it('refuses a client whose certificate another CA signed', async () => {
      await refusal(
        httpsRequest(`${url}/v2/health/live`, { ca: read(pki.caCert), cert: read(pki.strangerCert), key: read(pki.strangerKey) }),
      );
    });
  });

  describe('boot errors', () => {
    const boot = (over: Record<string, string>) => createApp({ ...BASE, ...over });

    it('names an unreadable file', async () => {
      await expect(boot({ TLS_CERT: `${pki.dir}/missing.crt`, TLS_KEY: pki.serverKey })).rejects.toThrow(
        /SWITCHYARD_TLS_CERT: cannot read .*missing\.crt: ENOENT/,
      );
      await expect(boot({ TLS_CERT: pki.serverCert, TLS_KEY: pki.serverKey, TLS_CLIENT_CA: `${pki.dir}/nope.pem` })).rejects.toThrow(
        /SWITCHYARD_TLS_CLIENT_CA: cannot read .*nope\.pem/,
      );
    });

    it('names a key that does not belong to the certificate, and a file that is not PEM', async () => {
      await expect(boot({ TLS_CERT: pki.serverCert, TLS_KEY: pki.otherServerKey })).rejects.toThrow(
        /SWITCHYARD_TLS_KEY: .*other-server\.key is not the private key of the certificate in .*server\.crt/,
      );
      await expect(boot({ TLS_CERT: pki.serverKey, TLS_KEY: pki.serverKey })).rejects.toThrow(
        /SWITCHYARD_TLS_CERT: .*server\.key is not a PEM certificate/,
      );
    });

    it('needs both the certificate and the key', async () => {
      await expect(boot({ TLS_CERT: pki.serverCert })).rejects.toThrow(/SWITCHYARD_TLS_KEY is not set: HTTPS needs both/);
      await expect(boot({ TLS_CLIENT_CA: pki.caCert })).rejects.toThrow(/SWITCHYARD_TLS_CERT is not set/);
    });
  });
});
