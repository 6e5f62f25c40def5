import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigValidationError } from '../errors/config-validation.error';
import type { TlsSettings } from '../switchyard-config.interface';

/** node:https server options of the TLS settings. */
export interface TlsServerOptions {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
}

/**
 * Reads and checks the TLS files at boot: each must be readable PEM, the key must belong to the
 * certificate. Any problem is a ConfigValidationError naming the option and the file, rather than
 * a handshake that fails for every client later. With a client CA, clients are verified at the
 * handshake (mutual TLS): no certificate, or one the CA did not sign, and the connection is closed.
 */
export function readTlsFiles(tls: TlsSettings): TlsServerOptions {
  const cert = read('TLS_CERT', tls.cert);
  const key = read('TLS_KEY', tls.key);
  const certificate = parse('TLS_CERT', tls.cert, () => new X509Certificate(cert));
  const privateKey: KeyObject = parse('TLS_KEY', tls.key, () => createPrivateKey(key));
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigValidationError([`SWITCHYARD_TLS_KEY: ${tls.key} is not the private key of the certificate in ${tls.cert}`]);
  }
  if (!tls.clientCa) return { cert, key };
  const ca = read('TLS_CLIENT_CA', tls.clientCa);
  parse('TLS_CLIENT_CA', tls.clientCa, () => new X509Certificate(ca));
  return { cert, key, ca, requestCert: true, rejectUnauthorized: true };
}

function read(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigValidationError([`SWITCHYARD_${option}: cannot read ${path}: ${(err as Error).message}`]);
  }
}

function parse<T>(option: string, path: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw new ConfigValidationError([
      `SWITCHYARD_${option}: ${path} is not a PEM ${option === 'TLS_KEY' ? 'private key' : 'certificate'}: ${(err as Error).message}`,
    ]);
  }
}
