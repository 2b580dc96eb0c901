// What a leftover `postmaster.pid` means. PostgreSQL itself only checks kill(pid, 0), so after a
// crash or a container restart a recycled pid (e.g. another postgres, or any process of the
// postgres user) makes it refuse to start with "lock file already exists". We look closer.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Written next to postmaster.pid by the Node process that started the server. */
export const OWNER_FILE = 'koe-owner.pid';

export type PostmasterStatus =
  | { kind: 'absent' }
  /** the file names no live server of this data dir: safe to delete */
  | { kind: 'stale'; pid: number; why: string }
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

/** State letter and parent pid from /proc/<pid>/stat, or null when the process is gone. */
async function procStat(pid: number): Promise<{ state: string; ppid: number } | null> {
  const raw = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (raw === null) return null;
  // "pid (comm) state ppid ...": comm may contain spaces, so parse after the last ')'.
  const [state = '', ppid = ''] = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number.parseInt(ppid, 10) };
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
  if (text === null) return { kind: 'absent' };
  // Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return { kind: 'stale', pid: 0, why: 'unreadable pid file' };
  if (!(await isRunning(pid))) return { kind: 'stale', pid, why: `process ${pid} is gone` };
  const owner = Number.parseInt(await readFile(path.join(dataDir, OWNER_FILE), 'utf8').catch(() => ''), 10);
  // Without /proc (macOS) we cannot tell a recycled pid from the server: assume it is live and owned.
  if (!hasProc) return { kind: 'running', pid, port, ownerPid: owner };
  const args = await procArgs(pid);
  const isOurServer =
    args !== null && path.basename(args[0] ?? '') === 'postgres' && args.includes(lines[1] ?? dataDir);
  if (!isOurServer) return { kind: 'stale', pid, why: `pid ${pid} now belongs to another process` };
  // Once its owner dies the server is re-parented (to init or a subreaper), so the parent tells.
  const ppid = (await procStat(pid))?.ppid;
  if (owner > 0 && ppid === owner && (await isRunning(owner))) return { kind: 'running', pid, port, ownerPid: owner };
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
