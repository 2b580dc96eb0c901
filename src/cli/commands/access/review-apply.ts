/**
 * `koe access review --apply`: decisions from a file (CI) or asked one flagged principal at a time
 * (a TTY). The file is checked whole before anything is applied, so a typo changes nothing.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parse } from 'yaml';
import { applyReviewDecision, parseReviewAction, type ReviewDecision, type ReviewRow } from '../../../auth/access-review.js';
import type { AccessActor } from '../../../auth/access-event.js';
import { assertNotOwnItem } from '../../../auth/periodic-review.js';
import type { AccessSession } from './session.js';

/** `[{ principal, action }]`, at the top level or under `decisions:`. */
export function readDecisions(file: string, knownRoles: ReadonlySet<string>, principals: ReadonlySet<string>): ReviewDecision[] {
  const doc: unknown = parse(readFileSync(file, 'utf8'));
  const list = Array.isArray(doc) ? doc : (doc as { decisions?: unknown } | null)?.decisions;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a list of { principal, action } (or decisions: [...])`);
  const problems: string[] = [];
  const decisions: ReviewDecision[] = [];
  list.forEach((entry: unknown, i) => {
    const { principal, action } = (entry ?? {}) as { principal?: unknown; action?: unknown };
    try {
      if (typeof principal !== 'string' || !principals.has(principal)) throw new Error(`unknown principal ${JSON.stringify(principal)}`);
      decisions.push({ principal, action: parseReviewAction(String(action ?? ''), knownRoles) });
    } catch (e) {
      problems.push(`${file}: decision ${i + 1}: ${(e as Error).message}`);
    }
  });
  if (problems.length) throw new Error(`nothing applied:\n${problems.join('\n')}`);
  return decisions;
}

export async function askDecisions(flagged: ReviewRow[], knownRoles: ReadonlySet<string>): Promise<ReviewDecision[]> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const out: ReviewDecision[] = [];
  try {
    for (const r of flagged) {
      const prompt = `${r.principalId} [${r.roles.join(', ')}] ${r.flags.join(' ')}\n  keep / revoke:<role> / disable / skip? `;
      for (;;) {
        const answer = (await rl.question(prompt)).trim();
        if (answer === 'skip' || answer === '') break;
        try {
          out.push({ principal: r.principalId, action: parseReviewAction(answer, knownRoles) });
          break;
        } catch (e) {
          process.stderr.write(`  ${(e as Error).message}\n`);
        }
      }
    }
  } finally {
    rl.close();
  }
  return out;
}

export async function applyDecisions(s: AccessSession, decisions: ReviewDecision[], reviewer: AccessActor): Promise<void> {
  // Checked before the first is applied, like the file itself: a refused decision leaves nothing half done.
  const own = decisions.find((d) => d.principal === reviewer.id);
  if (own) assertNotOwnItem(reviewer, { principalId: own.principal });
  for (const d of decisions) {
    await applyReviewDecision(s.em, d, reviewer, s.policy);
    const what = d.action.kind === 'revoke' ? `revoke:${d.action.role}` : d.action.kind;
    console.log(`${d.principal}: ${what} (reviewed by ${reviewer.id})`);
  }
}
