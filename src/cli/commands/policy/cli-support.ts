/**
 * What every `koe policy …` command shares: where the policy files are, loading them against the
 * API catalog, and errors that reach the terminal as one clear line with a chosen exit code.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { loadPolicySet, PolicyError, type PolicySet, type SchemaCatalog } from '../../../policies/index.js';
import { cliCatalog } from '../../api-catalog.js';
import { cliPolicyDir } from '../../runtime.js';

/** Exit codes: 1 for an invalid policy or a failed check, 2 for bad input on the command line. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An expected failure: printed as `koe: message` without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const DIR_OPTION = ['--dir <dir>', 'policy directory (default: $KOE_POLICY_DIR, else policies/)'] as const;

/**
 * Wraps an action so CliError and PolicyError end the command with their message only; anything
 * else is a bug and goes on to main's handler.
 */
export function cliAction<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (e) {
      if (!(e instanceof CliError) && !(e instanceof PolicyError)) throw e;
      console.error(`koe: ${e.message}`);
      process.exitCode = e instanceof CliError ? e.exitCode : EXIT_FAILED;
    }
  };
}

/**
 * The directory as messages should name it: relative to the working directory when inside it,
 * so `file:line:col` is short and clickable in an editor.
 */
export function shownDir(dir: string | undefined): string {
  const abs = resolve(dir ?? cliPolicyDir());
  const rel = relative(process.cwd(), abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

export interface LoadedPolicy {
  readonly set: PolicySet;
  readonly catalog: SchemaCatalog;
  readonly dir: string;
}

/** Throws the PolicyError (every problem as file:line:col) when the files are invalid. */
export async function loadPolicyFrom(dir: string | undefined): Promise<LoadedPolicy> {
  const shown = shownDir(dir);
  const catalog = await cliCatalog();
  return { set: loadPolicySet(shown, catalog), catalog, dir: shown };
}

/** `--record`/`--principal`: a JSON object, or exit 2 saying what is wrong with it. */
export function parseJsonObject(flag: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${flag} is not valid JSON (${(e as Error).message}): pass an object such as '{"teamId":"team-east"}'`, EXIT_USAGE);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${flag} must be a JSON object, such as '{"teamId":"team-east"}'`, EXIT_USAGE);
  }
  return value as Record<string, unknown>;
}

/** A purpose the server would refuse (BAD_USER_INPUT) is refused here too, rather than explained. */
export function checkPurpose(set: PolicySet, purpose: string | undefined): void {
  if (purpose === undefined || set.purposes.has(purpose)) return;
  throw new CliError(`purpose "${purpose}" is not declared in the policy files (declared: ${[...set.purposes.keys()].join(', ')})`, EXIT_USAGE);
}
