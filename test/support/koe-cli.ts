/**
 * The `koe` CLI as a child process, the way an operator runs it (bin/koe.js: the compiled CLI, which the
 * global setup keeps current, else the sources through tsx), in the repository root, with this
 * process's environment plus the caller's.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface KoeRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KoeRunOptions {
  /** Working directory of the CLI; default the repository root. */
  cwd?: string;
  /** execFile's maxBuffer for stdout and stderr each; default 16 MiB. */
  maxBuffer?: number;
}

/** The CLI's own secrets (not the test platform's) and a database to work on. */
export function koeCliEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl,
    KOE_JWT_SECRET: 'koe-cli-test-jwt-secret-0123456789abcdef',
    KOE_PSEUDONYM_KEY: 'koe-cli-test-pseudonym',
  };
}

/**
 * Runs `koe …args` and resolves (never rejects) with its exit code (-1 when it did not exit with one) and output.
 * `env` is laid over `process.env`; a variable set to `undefined` there is removed from the child's environment.
 */
export function runKoe(args: readonly string[], env: NodeJS.ProcessEnv = {}, opts: KoeRunOptions = {}): Promise<KoeRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  const argv = [join(ROOT, 'bin/koe.js'), ...args];
  const options = { cwd: opts.cwd ?? ROOT, env: childEnv, maxBuffer: opts.maxBuffer ?? 16 << 20 };
  return new Promise((resolve) => {
    execFile(process.execPath, argv, options, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}
