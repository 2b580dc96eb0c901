/**
 * `koe start` as an operator runs it, in a child process, on an embedded PostgreSQL in a scratch data
 * directory of its own (KOE_PG_DIR), every server on a free port (PORT=0), no KOE_MASTER_KEY (the
 * development key ring in the scratch dir). Used by the operations tests and the fault suite
 * (bench/chaos); imports nothing from vitest.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runKoe, type KoeRun } from './koe-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface KoeScratch {
  /** the scratch directory (data dir, key file) */
  dir: string;
  /** the environment every `koe` run on this scratch uses */
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** `koe …args` on this scratch (a tool: it shares the running instance's database) */
  koe(args: readonly string[]): Promise<KoeRun>;
  /** pid of the postmaster now serving the data dir, or null */
  postmasterPid(): Promise<number | null>;
  remove(): Promise<void>;
}

/** A scratch directory the postgres OS user can enter, seeded with a small demo data set. */
export async function koeScratch(seed: { customers: number; feedback: number } = { customers: 40, feedback: 120 }): Promise<KoeScratch> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'koe-ops-'));
  await chmod(dir, 0o755); // mkdtemp makes 0700; as root the postgres OS user must enter it
  const dataDir = path.join(dir, 'pg');
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: undefined,
    DATABASE_SSL: undefined,
    KOE_MASTER_KEY: undefined,
    KOE_MASTER_KEY_FILE: path.join(dir, 'keyring.json'),
    KOE_PG_DIR: dataDir,
    KOE_JWT_SECRET: 'koe-ops-test-jwt-secret-0123456789abcdef',
    KOE_PSEUDONYM_KEY: 'koe-ops-test-pseudonym',
    LOG_LEVEL: 'warn',
  };
  const scratch: KoeScratch = {
    dir,
    env,
    dataDir,
    koe: (args) => runKoe(args, env),
    postmasterPid: async () => {
      const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
      const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  const seeded = await scratch.koe(['seed', '--customers', String(seed.customers), '--feedback', String(seed.feedback)]);
  if (seeded.code !== 0) throw new Error(`koe seed failed (${seeded.code}):\n${seeded.stderr}`);
  return scratch;
}

export interface KoeProcess {
  child: ChildProcess;
  pid: number;
  gatewayUrl: string;
  /** the admin port's base URL (`/metrics`, `/readyz` with details) */
  adminUrl: string;
  /** every stdout and stderr line so far */
  lines: string[];
  /** resolves with the first line (past or future) matching `re`; rejects after `ms` */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** SIGTERM and wait for the exit (SIGKILL after `ms`) */
  stop(ms?: number): Promise<void>;
}

/**
 * Starts `koe start --no-seed` on the scratch and resolves once it prints its gateway URL.
 * `serverProcesses`: as `koe start` runs by default, each server in processes of its own; else `--single-process`.
 * `detached`: in a process group of its own (its pid is the group id), as a terminal runs it, so a
 * test can send Ctrl-C's SIGINT to the whole group and count what is left of it.
 */
export async function startKoeProcess(scratch: KoeScratch, timeoutMs = 120_000, extraEnv: NodeJS.ProcessEnv = {}, opts: { detached?: boolean; serverProcesses?: boolean; together?: boolean } = {}): Promise<KoeProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', KOE_ADMIN_PORT: '0' };
  for (const [k, v] of Object.entries({ ...scratch.env, ...extraEnv })) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // bin/koe.js runs Koe in its own process (compiled or through tsx), so a SIGKILL hits Koe itself, not a wrapper.
  // Every server in one process unless asked: four more processes to start would slow each test
  // that needs a `koe start` but not its process layout (test/ops/start-split.test.ts tests that).
  const layout = opts.together ? ['--together'] : opts.serverProcesses ? [] : ['--single-process'];
  const argv = [path.join(ROOT, 'bin/koe.js'), 'start', '--no-seed', ...layout];
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached ?? false });
  const lines: string[] = [];
  const waiters = new Set<{ re: RegExp; resolve: (l: string) => void }>();
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      for (const w of waiters) if (w.re.test(line)) (waiters.delete(w), w.resolve(line));
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const waitFor = (re: RegExp, ms = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => re.test(l));
      if (seen) return resolve(seen);
      const w = { re, resolve: (l: string) => (clearTimeout(timer), resolve(l)) };
      const timer = setTimeout(() => (waiters.delete(w), reject(new Error(`no line matching ${re} within ${ms} ms:\n${lines.slice(-30).join('\n')}`))), ms);
      waiters.add(w);
      void exited.then(() => waiters.has(w) && (waiters.delete(w), clearTimeout(timer), reject(new Error(`koe exited before ${re}:\n${lines.slice(-30).join('\n')}`))));
    });
  const stop = async (ms = 20_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    await exited;
    clearTimeout(timer);
  };
  try {
    const gateway = await waitFor(/^\s+gateway\s+http/, timeoutMs);
    const metrics = await waitFor(/^\s+metrics\s+http/, 5_000);
    return {
      child,
      pid: child.pid!,
      gatewayUrl: gateway.trim().split(/\s+/)[1]!,
      adminUrl: metrics.trim().split(/\s+/)[1]!.replace(/\/metrics$/, ''),
      lines,
      waitFor,
      stop,
    };
  } catch (e) {
    await stop(5_000);
    throw e;
  }
}

/** The processes of a process group, with their command lines. */
export async function groupProcesses(pgid: number): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pgid=,pid=,args=']);
  return stdout.split('\n').filter((l) => Number(l.trim().split(/\s+/)[0]) === pgid).map((l) => l.trim());
}

/** Ctrl-C to a detached `koe start`'s whole group: its exit code, and what is left of the group 10 s later at most. */
export async function interruptGroup(koe: KoeProcess): Promise<{ code: number | null; left: string[] }> {
  const exited = new Promise<number | null>((r) => (koe.child.exitCode !== null ? r(koe.child.exitCode) : koe.child.once('exit', (code) => r(code))));
  process.kill(-koe.pid, 'SIGINT');
  const code = await exited;
  let left = await groupProcesses(koe.pid);
  for (let i = 0; i < 20 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 500));
    left = await groupProcesses(koe.pid);
  }
  return { code, left };
}
