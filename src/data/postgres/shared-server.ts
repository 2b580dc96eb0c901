/**
 * A server this process did not start: another live Koe owns the data dir, or a tool found one in
 * use. Such a server is used, never stopped. Also how any process reaches a Koe-made cluster (its
 * password file beside the data) and asks it who else is connected.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { EmbeddedHandle } from './embedded-handle.js';
import { inspectPostmaster, isRunning, type PostmasterStatus } from './postmaster-pid.js';

export const PASSWORD_FILE = 'koe-password'; // inside the data dir: deleting the dir resets everything
/** How long a tool waits for the server of a live owner that is (re)starting it. */
const OWNER_WAIT_MS = 30_000;
/** How often a shared server is checked for having gone (it is not our child: no exit event). */
const SHARED_POLL_MS = 1_000;

export const urlFor = (password: string, port: number) => `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;

/** Another live Koe process runs this data dir: use its server, never stop it. */
export async function share(
  dataDir: string,
  status: Extract<PostmasterStatus, { kind: 'running' }>,
  log: (line: string) => void,
): Promise<EmbeddedHandle> {
  const password = (await readFile(path.join(dataDir, PASSWORD_FILE), 'utf8')).trim();
  const url = urlFor(password, status.port);
  // It may still be starting (a concurrent starter): give it a few seconds to answer.
  for (let tries = 0; ; tries++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      break;
    } catch (err) {
      if (tries >= 20) throw new Error(`PostgreSQL ${status.pid} on ${dataDir} does not answer: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  log(`PostgreSQL for ${dataDir} already runs (pid ${status.pid}, owned by process ${status.ownerPid || 'none'}); sharing it`);
  let poll: NodeJS.Timeout | undefined;
  const exited = new Promise<string>((resolve) => {
    poll = setInterval(() => {
      void isRunning(status.pid).then((up) => up || (clearInterval(poll), resolve(`(pid ${status.pid}, not ours) is gone`)));
    }, SHARED_POLL_MS);
    poll.unref();
  });
  const stop = async () => clearInterval(poll);
  return { url, port: status.port, dataDir, pid: status.pid, initialised: false, owned: false, stop, exited };
}

/** Polls until the server of a live owner is up (it may be in its restart backoff). */
export async function waitForOwnersServer(dataDir: string, ownerPid: number): Promise<PostmasterStatus> {
  const deadline = Date.now() + OWNER_WAIT_MS;
  for (;;) {
    const status = await inspectPostmaster(dataDir);
    if (status.kind === 'running' || status.kind === 'orphan') return status;
    if (!status.owner) return status; // the owner died meanwhile: the caller may start its own
    if (Date.now() > deadline) throw new Error(`PostgreSQL on ${dataDir} belongs to the running process ${ownerPid} and did not come up within ${OWNER_WAIT_MS} ms; try again later`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How many client connections other than this probe the server has ("connecting and asking"). */
export async function clientsOf(dataDir: string, port: number): Promise<number> {
  const password = (await readFile(path.join(dataDir, PASSWORD_FILE), 'utf8').catch(() => '')).trim();
  const client = new pg.Client({ connectionString: urlFor(password, port), connectionTimeoutMillis: 2000, query_timeout: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    return rows[0]?.n ?? 0;
  } catch {
    return 0; // not answering: nobody can be using it
  } finally {
    await client.end().catch(() => undefined);
  }
}
