/** What starting (or sharing) an embedded PostgreSQL is asked for and hands back. */

export interface EmbeddedOptions {
  dataDir: string;
  /** exact port (fails if taken); default: 54329 if free, else any free port */
  port?: number;
  /** Koe's own progress lines (initdb, relocation, recovery, ready, stopped) */
  log?: (line: string) => void;
  /** postgres's own output line by line; by default only kept for error messages */
  serverLog?: (line: string) => void;
  /**
   * A short-lived command (the CLI's tools), not a server: when a live process owns this data dir
   * it waits for that owner's server instead of starting a rival, and on stop it leaves its own
   * server running if another client connected meanwhile (a Koe that started after it).
   */
  tool?: boolean;
}

export interface EmbeddedHandle {
  url: string;
  port: number;
  /** idempotent; a no-op when `owned` is false */
  stop(): Promise<void>;
  /** where the files really are: differs from the requested dir when relocated for root */
  dataDir: string;
  pid: number;
  /** initdb ran in this call (first run on this data dir) */
  initialised: boolean;
  /** false: another live process started this server and we only share it */
  owned: boolean;
  /** Settles (never rejects) with the reason when the server exits without stop() being called. */
  exited: Promise<string>;
}
