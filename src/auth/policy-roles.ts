/**
 * The policy the access commands and mutations check a grant against (roles, privileged roles,
 * separation of duties). Loaded from the same directory the servers load (`KOE_POLICY_DIR`,
 * default `policies/`), once per process and directory.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicySet } from '../policies/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LoadedAccessPolicy {
  readonly roles: ReadonlySet<string>;
  readonly version: string;
  readonly set: PolicySet;
}

const loaded = new Map<string, Promise<LoadedAccessPolicy>>();

export async function policyRoles(dirGiven?: string): Promise<LoadedAccessPolicy> {
  // Imported on first use: the policy loader builds the API schema, whose resolvers call this module.
  const { loadPolicy, policyDir } = await import('../server/policy.js');
  const dir = dirGiven ?? policyDir(ROOT);
  let entry = loaded.get(dir);
  if (!entry) {
    entry = loadPolicy(dir).then((set) => ({ roles: new Set(set.roles.keys()), version: set.version, set }));
    entry.catch(() => loaded.delete(dir)); // a broken policy is reported, and retried next time
    loaded.set(dir, entry);
  }
  return entry;
}
