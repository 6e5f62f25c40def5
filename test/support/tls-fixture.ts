import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Paths of a test PKI made with the openssl CLI. */
export interface TestPki {
  dir: string;
  /** CA that signed the server and the good client certificate. */
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** A certificate for 127.0.0.1 signed by another CA (its key does not match serverCert). */
  otherServerKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by a CA the server does not know. */
  strangerCert: string;
  strangerKey: string;
}

/** Generates CAs and certificates (EC P-256, a day long) into a temp folder with the openssl CLI. */
export function writeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sy-tls-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    );
  const leaf = (name: string, signer: string, ext: string) => {
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    );
    writeFileSync(path(`${name}.ext`), ext);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${signer}.crt`,
      '-CAkey',
      `${signer}.key`,
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
  };
  ca('test-ca');
  ca('stranger-ca');
  leaf('server', 'test-ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('other-server', 'stranger-ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  leaf('stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caCert: path('test-ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    otherServerKey: path('other-server.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
    strangerCert: path('stranger.crt'),
    strangerKey: path('stranger.key'),
  };
}

export interface HttpsAnswer {
  status: number;
  body: string;
}

/** One HTTPS request with node:https (fetch cannot take a CA or a client certificate); rejects on a failed handshake. */
export function httpsRequest(
  url: string,
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer },
  method = 'GET',
  body?: string,
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, ...tls, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error('HTTPS request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
