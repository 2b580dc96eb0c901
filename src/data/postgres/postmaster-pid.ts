// What a leftover `postmaster.pid` means, and who owns the server. PostgreSQL itself only checks
// kill(pid, 0), so after a crash or a container restart a recycled pid (e.g. another postgres, or
// any process of the postgres user) makes it refuse to start with "lock file already exists".
// We look closer. Ownership is the Node process recorded in OWNER_FILE, identified by pid AND
// process start time, so neither a recycled pid nor a server restarted by hand (whose parent is
// then not its owner) is mistaken for an orphan.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Written next to postmaster.pid by the Node process that started the server: `pid\nstart time`. */
export const OWNER_FILE = 'koe-owner.pid';

export interface Owner {
  pid: number;
  /** /proc start time (clock ticks since boot); null where there is no /proc */
  startedAt: string | null;
}

export type PostmasterStatus =
  | { kind: 'absent'; owner: Owner | null }
  /** the file names no live server of this data dir */
  /** gone: the pid is dead (PostgreSQL's own shared-memory check then decides); else recycled or garbage */
  | { kind: 'stale'; pid: number; why: string; gone: boolean; owner: Owner | null }
  /** a live server whose Node owner is gone (kill -9, OOM): nobody will ever stop it */
  | { kind: 'orphan'; pid: number; port: number }
  /** a live server still owned by another live process: share it, never stop it */
  | { kind: 'running'; pid: number; port: number; ownerPid: number };

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const hasProc = existsSync('/proc/self/stat');

async function procArgs(pid: number): Promise<string[] | null> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return raw === null ? null : raw.split('\0');
}

/** State letter and start time from /proc/<pid>/stat, or null when the process is gone. */
async function procStat(pid: number | 'self'): Promise<{ state: string; startedAt: string } | null> {
  const raw = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (raw === null) return null;
  // "pid (comm) state ppid ...": comm may contain spaces, so parse after the last ')'. Field 22
  // (starttime) is the 20th after it.
  const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startedAt: fields[19] ?? '' };
}

/** This process as an owner, for OWNER_FILE. */
export async function selfOwner(): Promise<Owner> {
  return { pid: process.pid, startedAt: hasProc ? ((await procStat('self'))?.startedAt ?? null) : null };
}

export async function writeOwner(dataDir: string): Promise<void> {
  const me = await selfOwner();
  await writeFile(path.join(dataDir, OWNER_FILE), `${me.pid}\n${me.startedAt ?? ''}\n`);
}

/** Removes OWNER_FILE if it names this process. */
export async function clearOwner(dataDir: string): Promise<void> {
  if ((await readOwner(dataDir))?.pid === process.pid) await rm(path.join(dataDir, OWNER_FILE), { force: true });
}

export async function readOwner(dataDir: string): Promise<Owner | null> {
  const text = await readFile(path.join(dataDir, OWNER_FILE), 'utf8').catch(() => '');
  const [pid = '', startedAt = ''] = text.split('\n');
  const n = Number.parseInt(pid, 10);
  return Number.isInteger(n) && n > 0 ? { pid: n, startedAt: startedAt.trim() || null } : null;
}

/** The recorded owner is still the same live process (a recycled pid has another start time). */
export async function ownerAlive(owner: Owner | null): Promise<boolean> {
  if (!owner || !(await isRunning(owner.pid))) return false;
  if (!hasProc || owner.startedAt === null) return true;
  return (await procStat(owner.pid))?.startedAt === owner.startedAt;
}

/** Alive and not a zombie: an exited server whose reaper is slow (or absent, as pid 1 in some
 * containers) still answers kill(pid, 0). */
export async function isRunning(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  if (!hasProc) return true;
  const st = await procStat(pid);
  return st !== null && st.state !== 'Z';
}

export async function inspectPostmaster(dataDir: string): Promise<PostmasterStatus> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const recorded = await readOwner(dataDir);
  const owner = (await ownerAlive(recorded)) ? recorded : null;
  if (text === null) return { kind: 'absent', owner };
  // Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return { kind: 'stale', pid: 0, why: 'unreadable pid file', gone: false, owner };
  if (!(await isRunning(pid))) return { kind: 'stale', pid, why: `process ${pid} is gone`, gone: true, owner };
  // Without /proc (macOS) we cannot tell a recycled pid from the server: assume it is live and owned.
  if (!hasProc) return { kind: 'running', pid, port, ownerPid: recorded?.pid ?? 0 };
  const args = await procArgs(pid);
  // Started by us: `postgres -D <dir>`; by hand with pg_ctl: the same, or `postgres` with PGDATA.
  const isOurServer = args !== null && path.basename(args[0] ?? '') === 'postgres' && args.includes(lines[1] ?? dataDir);
  if (!isOurServer) return { kind: 'stale', pid, why: `pid ${pid} now belongs to another process`, gone: false, owner };
  // Not the parent: a server restarted by hand (pg_ctl) while its owner lives is still the owner's.
  if (owner) return { kind: 'running', pid, port, ownerPid: owner.pid };
  return { kind: 'orphan', pid, port };
}

/** Wait until `pid` has exited (polling: it is not our child, so there is no exit event). */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
