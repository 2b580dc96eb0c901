/**
 * Key-encryption keys (KEKs) behind one small interface, so a cloud KMS or Vault transit can take
 * the place of the local key ring: Koe only ever asks to wrap and unwrap data keys.
 */
import { createHmac } from 'node:crypto';
import { KEY_BYTES, open, seal } from './aead.js';

export interface WrappedKey {
  kekVersion: number;
  wrapped: Buffer;
}

export interface KeyProvider {
  /** Versions this provider can unwrap with, oldest first. */
  versions(): number[];
  /** The newest version: new data keys are wrapped with it. */
  newestVersion(): number;
  wrap(dataKey: Uint8Array, aad: Uint8Array, version?: number): WrappedKey;
  unwrap(key: WrappedKey, aad: Uint8Array): Buffer;
  /** A non-secret fingerprint of a version, to detect a wrong master key before it corrupts anything. */
  fingerprint(version: number): string;
}

/** KEKs held in memory (from `KOE_MASTER_KEY` or the development key file). */
export class LocalKeyProvider implements KeyProvider {
  private readonly keys: ReadonlyMap<number, Buffer>;

  constructor(keys: ReadonlyMap<number, Uint8Array>) {
    if (keys.size === 0) throw new Error('no key-encryption key configured');
    const copy = new Map<number, Buffer>();
    for (const [v, k] of keys) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`key-encryption key version must be a positive integer (got ${v})`);
      if (k.length !== KEY_BYTES) throw new Error(`key-encryption key version ${v} must be ${KEY_BYTES} bytes (got ${k.length})`);
      copy.set(v, Buffer.from(k));
    }
    this.keys = copy;
  }

  versions(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  newestVersion(): number {
    return Math.max(...this.keys.keys());
  }

  wrap(dataKey: Uint8Array, aad: Uint8Array, version = this.newestVersion()): WrappedKey {
    return { kekVersion: version, wrapped: seal(this.kek(version), dataKey, aad) };
  }

  unwrap(key: WrappedKey, aad: Uint8Array): Buffer {
    return open(this.kek(key.kekVersion), key.wrapped, aad);
  }

  fingerprint(version: number): string {
    return createHmac('sha256', this.kek(version)).update('koe:kek-fingerprint').digest('hex').slice(0, 16);
  }

  private kek(version: number): Buffer {
    const k = this.keys.get(version);
    if (!k) throw new Error(`key-encryption key version ${version} is not configured (have ${this.versions().join(', ')})`);
    return k;
  }
}

/** What a wrapped data key is bound to: a key copied to another customer does not unwrap. */
export function dataKeyAad(ownerId: string): Buffer {
  return Buffer.from(`koe:data-key:${ownerId}`, 'utf8');
}
