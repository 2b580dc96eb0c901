/** Throw-away certificates for HTTPS tests, made with the system's openssl into a temp dir. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TlsMaterial } from '../../src/server/tls.js';

export interface TestCert extends TlsMaterial {
  certPath: string;
  keyPath: string;
}

export interface CertDir {
  dir: string;
  /** A self-signed certificate for 127.0.0.1 and localhost, valid one day. */
  selfSigned(name: string, opts?: { subjectAltName?: string }): TestCert;
  /** A certificate for 127.0.0.1 issued by `ca` (itself from `selfSigned`), not self-signed. */
  issued(name: string, ca: TestCert): TestCert;
  /** A lone RSA private key (PEM), e.g. one that matches no certificate. */
  key(name: string): string;
  remove(): void;
}

export function certDir(): CertDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'koe-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return {
    dir,
    selfSigned(name, opts = {}) {
      const certPath = path.join(dir, `${name}.crt`);
      const keyPath = path.join(dir, `${name}.key`);
      const san = opts.subjectAltName ?? 'IP:127.0.0.1,DNS:localhost';
      openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`, '-keyout', keyPath, '-out', certPath);
      return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
    },
    issued(name, ca) {
      const certPath = path.join(dir, `${name}.crt`);
      const keyPath = path.join(dir, `${name}.key`);
      const csrPath = path.join(dir, `${name}.csr`);
      openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', csrPath);
      openssl('x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-days', '1', '-copy_extensions', 'copy', '-out', certPath);
      return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
    },
    key(name) {
      const keyPath = path.join(dir, `${name}.key`);
      openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyPath);
      return keyPath;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
