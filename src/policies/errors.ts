/**
 * Every problem found in policy files carries its file, line and column, and a PolicyError lists
 * all of them at once, so an admin fixes a whole pull request in one pass.
 */

/** Where something sits in a policy file; line and column are 1-based, as editors show them. */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Problem {
  readonly loc: SourceLoc;
  /** What is wrong and how to fix it, in one sentence. */
  readonly message: string;
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

export function formatProblem(p: Problem): string {
  return `${formatLoc(p.loc)}: ${p.message}`;
}

/** Thrown instead of returning a half-loaded policy: the server refuses to start on a bad file. */
export class PolicyError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const n = problems.length;
    super(`policy files are invalid (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'PolicyError';
    this.problems = problems;
  }
}
