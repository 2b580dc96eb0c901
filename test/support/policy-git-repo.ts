/**
 * A temporary git repository holding a copy of the shipped policies on `main`, with one branch per
 * edit, for `koe policy diff|impact <ref> --dir <repo>/policies`. The shipped files stay untouched.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POLICY_DIR } from './koe.js';

export interface PolicyRepo {
  /** The policies directory inside the repository (checked out on `main`). */
  policies: string;
  remove(): void;
}

/** `branches`: name → an edit of the policies directory, committed on a branch of that name. */
export function policyGitRepo(branches: Record<string, (policies: string) => void>): PolicyRepo {
  const repo = mkdtempSync(join(tmpdir(), 'koe-policy-repo-'));
  const policies = join(repo, 'policies');
  cpSync(POLICY_DIR, policies, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '-m', 'empty');
  git('add', '-A');
  git('commit', '-q', '-m', 'policies');
  for (const [name, edit] of Object.entries(branches)) {
    git('checkout', '-q', '-b', name, 'main');
    edit(policies);
    git('commit', '-q', '-am', name);
  }
  git('checkout', '-q', 'main');
  return { policies, remove: () => rmSync(repo, { recursive: true, force: true }) };
}
