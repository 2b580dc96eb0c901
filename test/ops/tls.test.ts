import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../../src/config/index.js';
import { assertCertificateNames, readTls } from '../../src/server/tls.js';

/** As `koe start` does it: the configuration checks the variables, readTls the files they name. */
function tlsFromEnv(env: Env) {
  return readTls(loadConfig(env).tls);
}
import { certDir, type CertDir, type TestCert } from '../support/tls-cert.js';

let certs: CertDir;
let good: TestCert;
let strayKey: string;
beforeAll(() => {
  certs = certDir();
  good = certs.selfSigned('good');
  strayKey = certs.key('stray');
});
afterAll(() => certs?.remove());

describe(tlsFromEnv.name, () => {
  it('returns null when neither KOE_TLS_CERT nor KOE_TLS_KEY is set (plain HTTP)', () => {
    expect(tlsFromEnv({})).toBeNull();
    expect(tlsFromEnv({ KOE_TLS_CERT: '', KOE_TLS_KEY: ' ' })).toBeNull();
  });

  it('reads a matching certificate and key, trusting the certificate itself when no CA is given', () => {
    const tls = tlsFromEnv({ KOE_TLS_CERT: good.certPath, KOE_TLS_KEY: good.keyPath });
    expect(tls?.cert.equals(good.cert)).toBe(true);
    expect(tls?.key.equals(good.key)).toBe(true);
    expect(tls?.ca).toBeUndefined();
  });

  it('refuses a certificate without its key, and a key without its certificate', () => {
    expect(() => tlsFromEnv({ KOE_TLS_CERT: good.certPath })).toThrow('KOE_TLS_CERT is set but KOE_TLS_KEY is not');
    expect(() => tlsFromEnv({ KOE_TLS_KEY: good.keyPath })).toThrow('KOE_TLS_KEY is set but KOE_TLS_CERT is not');
  });

  it('refuses KOE_TLS_CA alone', () => {
    expect(() => tlsFromEnv({ KOE_TLS_CA: good.certPath })).toThrow(/KOE_TLS_CA is set but KOE_TLS_CERT and KOE_TLS_KEY are not/);
  });

  it('names the variable and the path of a file it cannot read', () => {
    const missing = path.join(certs.dir, 'nope.key');
    expect(() => tlsFromEnv({ KOE_TLS_CERT: good.certPath, KOE_TLS_KEY: missing })).toThrow(`KOE_TLS_KEY (${missing}) cannot be read: ENOENT`);
    expect(() => tlsFromEnv({ KOE_TLS_CERT: good.certPath, KOE_TLS_KEY: good.keyPath, KOE_TLS_CA: missing })).toThrow(`KOE_TLS_CA (${missing}) cannot be read`);
  });

  it('refuses a key that does not belong to the certificate, without printing the key', () => {
    let message = '';
    try {
      tlsFromEnv({ KOE_TLS_CERT: good.certPath, KOE_TLS_KEY: strayKey });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`KOE_TLS_KEY (${strayKey}) is not the private key of KOE_TLS_CERT (${good.certPath})`);
    expect(message).toMatch(/mismatch/i);
    const keyBody = readFileSync(strayKey, 'utf8').split('\n')[1]!;
    expect(message).not.toContain(keyBody);
    expect(message).not.toContain('PRIVATE KEY');
  });

  it('refuses a certificate file that holds no certificate', () => {
    expect(() => tlsFromEnv({ KOE_TLS_CERT: good.keyPath, KOE_TLS_KEY: good.keyPath })).toThrow(`KOE_TLS_CERT (${good.keyPath}) is not a PEM certificate`);
  });

  it('requires KOE_TLS_CA for a certificate that is not self-signed, and accepts it with one', () => {
    const ca = certs.selfSigned('ca');
    const leaf = certs.issued('leaf', ca);
    expect(() => tlsFromEnv({ KOE_TLS_CERT: leaf.certPath, KOE_TLS_KEY: leaf.keyPath })).toThrow(/is not self-signed .*set KOE_TLS_CA/);
    const tls = tlsFromEnv({ KOE_TLS_CERT: leaf.certPath, KOE_TLS_KEY: leaf.keyPath, KOE_TLS_CA: ca.certPath });
    expect(tls?.ca?.equals(ca.cert)).toBe(true);
  });
});

describe(assertCertificateNames.name, () => {
  it('accepts a certificate that names the address the gateway calls the subgraphs at', () => {
    expect(() => assertCertificateNames(good, '127.0.0.1')).not.toThrow();
    expect(() => assertCertificateNames(good, 'localhost')).not.toThrow();
  });

  it('refuses one that does not, saying which subjectAltName to add', () => {
    const dnsOnly = certs.selfSigned('dns-only', { subjectAltName: 'DNS:koe.example.com' });
    expect(() => assertCertificateNames(dnsOnly, '127.0.0.1')).toThrow(/does not name 127\.0\.0\.1.*add subjectAltName IP:127\.0\.0\.1/);
  });
});
