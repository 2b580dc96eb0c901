/** CPU time of processes from /proc, for benchmarks that charge work to the servers and PostgreSQL backends doing it. */
import { readFileSync } from 'node:fs';

const TICK_MS = 1000 / 100; // USER_HZ: /proc's CPU counters are in 1/100 s on Linux.

/** User + system CPU ms of a process (and its finished children when `children`), from /proc/<pid>/stat. */
export function cpuMs(pid: number, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state is index 0, utime 11, stime 12, cutime 13, cstime 14.
    const own = Number(f[11]) + Number(f[12]);
    return (own + (children ? Number(f[13]) + Number(f[14]) : 0)) * TICK_MS;
  } catch {
    return 0;
  }
}

type Query = (sql: string, params: unknown[]) => Promise<Array<{ pid: number }>>;

/** The PostgreSQL backends serving `database` now (`query` runs on any connection able to read pg_stat_activity). */
export async function backendPids(query: Query, database: string): Promise<number[]> {
  return (await query('select pid from pg_stat_activity where datname = ?', [database])).map((r) => r.pid);
}

/** CPU ms the backends used since `before` (from `backendCpu`); one that appeared since counts from zero. */
export function backendCpuSince(before: ReadonlyMap<number, number>, pids: readonly number[]): number {
  return pids.reduce((s, p) => s + cpuMs(p) - (before.get(p) ?? 0), 0);
}

export function backendCpu(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((p) => [p, cpuMs(p)]));
}
