/**
 * HTTPS material for the gateway and the subgraphs, read once at start-up from the files named by
 * `KOE_TLS_CERT`, `KOE_TLS_KEY` and optional `KOE_TLS_CA` (one variable without the other is the
 * configuration's error, src/config). Everything else that can be wrong with it (an unreadable file, a key that does not belong to the certificate, a
 * certificate the gateway could not trust) stops start-up with an error naming the variable and
 * the path, never the key's contents.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { TlsPaths } from '../config/index.js';

export interface TlsMaterial {
  /** PEM certificate (chain) served by the gateway and the subgraphs. */
  cert: Buffer;
  /** PEM private key of `cert` (unencrypted). */
  key: Buffer;
  /** PEM CA(s) the gateway trusts for the subgraphs; absent: the certificate itself (self-signed). */
  ca?: Buffer;
}

/** `null` without configured paths (plain HTTP); throws on a file that is unreadable or wrong. */
export function readTls(paths: TlsPaths | null): TlsMaterial | null {
  if (!paths) return null;
  const { cert: certPath, key: keyPath, ca: caPath } = paths;
  const material: TlsMaterial = {
    cert: readPem('KOE_TLS_CERT', certPath),
    key: readPem('KOE_TLS_KEY', keyPath),
    ...(caPath ? { ca: readPem('KOE_TLS_CA', caPath) } : {}),
  };
  validateTls(material, { cert: certPath, key: keyPath, ...(caPath ? { ca: caPath } : {}) });
  return material;
}

/**
 * Checks the material as a server would load it, so a bad pair fails at start-up rather than at
 * the first handshake. `paths` only labels the errors.
 */
export function validateTls(material: TlsMaterial, paths: { cert?: string; key?: string; ca?: string } = {}): void {
  const where = (name: 'cert' | 'key' | 'ca') => `KOE_TLS_${name.toUpperCase()}${paths[name] ? ` (${paths[name]})` : ''}`;
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(material.cert);
  } catch (e) {
    throw new Error(`${where('cert')} is not a PEM certificate: ${reason(e)}`);
  }
  try {
    createSecureContext({ cert: material.cert, key: material.key });
  } catch (e) {
    // OpenSSL's reason ("key values mismatch", "unsupported") never quotes the key itself.
    throw new Error(`${where('key')} is not the private key of ${where('cert')} (or not an unencrypted PEM key): ${reason(e)}`);
  }
  if (material.ca) {
    try {
      createSecureContext({ ca: material.ca });
    } catch (e) {
      throw new Error(`${where('ca')} is not a PEM CA certificate: ${reason(e)}`);
    }
  } else if (!leaf.checkIssued(leaf)) {
    // The gateway would trust only this certificate, which cannot vouch for itself.
    throw new Error(`${where('cert')} is not self-signed (issuer: ${leaf.issuer.replace(/\n/g, ', ')}): set KOE_TLS_CA to the CA that issued it, which the gateway trusts for the subgraphs`);
  }
}

/** Throws unless the certificate names `host`, the address the gateway uses to reach the subgraphs. */
export function assertCertificateNames(material: TlsMaterial, host: string): void {
  const leaf = new X509Certificate(material.cert);
  const named = isIP(host) ? leaf.checkIP(host) : leaf.checkHost(host);
  if (!named) {
    throw new Error(
      `KOE_TLS_CERT does not name ${host}, the address the gateway uses to reach the subgraphs ` +
        `(its names: ${leaf.subjectAltName ?? leaf.subject}); add subjectAltName ${isIP(host) ? 'IP' : 'DNS'}:${host} to the certificate`,
    );
  }
}

/** The certificates the gateway trusts when calling the subgraphs. */
export function trustedCa(material: TlsMaterial): Buffer {
  return material.ca ?? material.cert;
}

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${variable} (${path}) cannot be read${code ? `: ${code}` : ''}`);
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
