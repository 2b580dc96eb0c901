/**
 * The role names the policy files define, for checking a grant. Loaded from the same directory the
 * servers load (`KOE_POLICY_DIR`, default `policies/`), once per process and directory.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const loaded = new Map<string, Promise<{ roles: ReadonlySet<string>; version: string }>>();

export async function policyRoles(dirGiven?: string): Promise<{ roles: ReadonlySet<string>; version: string }> {
  // Imported on first use: the policy loader builds the API schema, whose resolvers call this module.
  const { loadPolicy, policyDir } = await import('../server/policy.js');
  const dir = dirGiven ?? policyDir(ROOT);
  let entry = loaded.get(dir);
  if (!entry) {
    entry = loadPolicy(dir).then((p) => ({ roles: new Set(p.roles.keys()), version: p.version }));
    entry.catch(() => loaded.delete(dir)); // a broken policy is reported, and retried next time
    loaded.set(dir, entry);
  }
  return entry;
}
