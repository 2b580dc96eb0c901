/**
 * Two edits of the shipped support_agent rules (policies/roles-cx.policy.yaml) that the team a
 * principal is in decides: one takes away the PLAIN its own team's customers get (an agent with a
 * team is affected, one without is not), the other takes e-mail out of what every customer shows
 * MASKED (an agent without a team is affected; with a team e-mail stays record-dependent).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CX_POLICY_FILE = 'roles-cx.policy.yaml';

const OWN_TEAM_PLAIN = `      - on: Customer
        fields: '*'
        decision: PLAIN
        when: { teamId: $principal.teamId }
`;
const ALL_MASKED = `      - on: Customer
        fields: '*'
        decision: MASKED
`;

export const TEAM_POLICY_EDITS = {
  /** Own team's customers no longer PLAIN: with a team, a PLAIN read becomes MASKED. */
  noOwnTeamPlain: (text: string) => text.replace(OWN_TEAM_PLAIN, ''),
  /** E-mail no longer MASKED for other customers: without a team, a MASKED e-mail becomes DENIED. */
  noMaskedEmail: (text: string) => text.replace(ALL_MASKED, ALL_MASKED.replace("'*'", '[name, nameKana, phone, address, birthDate, purchases]')),
} as const;

/** Applies one edit to the policy directory `dir` in place; throws when the shipped text moved. */
export function editCxPolicy(dir: string, edit: keyof typeof TEAM_POLICY_EDITS): void {
  const file = join(dir, CX_POLICY_FILE);
  const text = readFileSync(file, 'utf8');
  const changed = TEAM_POLICY_EDITS[edit](text);
  if (changed === text) throw new Error(`${CX_POLICY_FILE}: the ${edit} edit found nothing to change (the shipped rules moved)`);
  writeFileSync(file, changed);
}
