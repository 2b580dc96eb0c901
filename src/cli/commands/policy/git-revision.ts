/**
 * The policy files of a git revision, written to a temporary directory so they load like any
 * other. Git runs through execFile with argument arrays: a ref or path never reaches a shell.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { CliError } from './cli-support.js';

const POLICY_SUFFIX = '.policy.yaml';

export interface Revision {
  /** The commit the ref named. */
  readonly commit: string;
  /** The policy directory inside the repository, as git spells it (`policies`, or '' at the root). */
  readonly repoPath: string;
  /** The temporary copy; remove it with `dispose`. */
  readonly dir: string;
  /** How messages name the copy's files: `<ref>:<repoPath>/<file>`. */
  readonly label: string;
  dispose(): void;
}

function git(cwd: string, args: readonly string[]): Buffer {
  return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function gitError(e: unknown): string {
  const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (e as Error).message;
}

/** Materialises `*.policy.yaml` directly under `policyDir` as of `ref` (the loader does not recurse either). */
export function checkoutPolicies(policyDir: string, ref: string): Revision {
  // A ref starting with '-' would be read as an option.
  if (ref.startsWith('-')) throw new CliError(`"${ref}" is not a git revision`);
  let top: string;
  let real: string;
  try {
    real = realpathSync(policyDir);
    top = git(real, ['rev-parse', '--show-toplevel']).toString().trim();
  } catch (e) {
    throw new CliError(`${policyDir} is not inside a git repository: ${gitError(e)}`);
  }
  let commit: string;
  try {
    commit = git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).toString().trim();
  } catch {
    throw new CliError(`unknown git revision "${ref}" in ${top}`);
  }
  const repoPath = relative(realpathSync(top), real).split(sep).join('/');
  // Run from the top level: ls-tree paths are relative to the working directory.
  const listing = git(top, ['ls-tree', '-z', commit, '--', repoPath ? `${repoPath}/` : '.']).toString();
  const files = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => ({ type: line.split(' ')[1], path: line.slice(line.indexOf('\t') + 1) }))
    .filter((e) => e.type === 'blob' && e.path.endsWith(POLICY_SUFFIX));

  const dir = mkdtempSync(join(tmpdir(), 'koe-policy-rev-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const f of files) writeFileSync(join(dir, basename(f.path)), git(top, ['show', `${commit}:${f.path}`]));
  } catch (e) {
    dispose();
    throw new CliError(`cannot read the policy files of "${ref}": ${gitError(e)}`);
  }
  return { commit, repoPath, dir, label: `${ref}:${repoPath ? `${repoPath}/` : ''}`, dispose };
}
