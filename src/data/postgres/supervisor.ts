// `npm start`'s embedded PostgreSQL, kept running: when the server dies (crash, OOM kill, a stray
// SIGKILL, `pg_ctl stop` by hand) it is started again on the same data dir and port, with
// exponential backoff, each step logged. Meanwhile Koe answers 503 SERVICE_UNAVAILABLE (the pool
// fails fast on refused connections) and resumes by itself once the server is back: the URL never
// changes, so nothing above this module restarts.
import { startEmbeddedPostgres, type EmbeddedHandle, type EmbeddedOptions } from './embedded.js';

export interface SupervisorOptions extends EmbeddedOptions {
  /** First wait before a restart; doubles per failed attempt (default 500 ms: long enough for `pg_ctl restart` by hand to win, so its server is shared, not raced). */
  initialBackoffMs?: number;
  /** Cap of the wait between attempts (default 10 s). */
  maxBackoffMs?: number;
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Like startEmbeddedPostgres, but the handle's server is restarted whenever it exits unasked. */
export async function superviseEmbeddedPostgres(opts: SupervisorOptions): Promise<EmbeddedHandle> {
  const log = opts.log ?? (() => undefined);
  const initial = opts.initialBackoffMs ?? 500;
  const max = opts.maxBackoffMs ?? 10_000;
  let current = await startEmbeddedPostgres(opts);
  // The pool's URL holds this port: a restart on another one would never be found.
  const port = current.port;
  let stopped = false;
  let wake: () => void = () => undefined;

  const restart = async (why: string): Promise<void> => {
    log(`PostgreSQL (pid ${current.pid}) ${why}; restarting it on port ${port} (requests get 503 meanwhile)`);
    const t0 = Date.now();
    for (let attempt = 1, delay = initial; !stopped; attempt++, delay = Math.min(delay * 2, max)) {
      // Interruptible by stop(): a shutdown does not wait out a 10 s backoff.
      await Promise.race([sleep(delay), new Promise<void>((r) => (wake = r))]);
      if (stopped) return;
      try {
        const next = await startEmbeddedPostgres({ ...opts, port });
        if (stopped) return void (await next.stop());
        current = next;
        log(`PostgreSQL is back (pid ${next.pid}${next.owned ? '' : ', started by someone else'}) after ${attempt} attempt(s), ${Date.now() - t0} ms`);
        return;
      } catch (e) {
        log(`PostgreSQL restart attempt ${attempt} failed: ${firstLine(e)}; next in ${Math.min(delay * 2, max)} ms`);
      }
    }
  };

  const watching = (async () => {
    while (!stopped) {
      const why = await Promise.race([current.exited, new Promise<null>((r) => (wake = () => r(null)))]);
      if (stopped || why === null) return;
      await restart(why);
    }
  })();

  const handle: EmbeddedHandle = {
    url: current.url,
    port,
    dataDir: current.dataDir,
    initialised: current.initialised,
    get pid() {
      return current.pid;
    },
    get owned() {
      return current.owned;
    },
    exited: new Promise<string>(() => undefined), // a supervised server does not stay down
    stop: async () => {
      stopped = true;
      wake();
      await watching;
      await current.stop();
    },
  };
  return handle;
}
