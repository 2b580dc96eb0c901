/**
 * Issue 19 §2, `koe policy impact` for principals who moved team, on the worker's database: each
 * recorded event is replayed with the team its principal had when it was recorded, not the team it
 * has now. A support agent reads its own team's customers (PLAIN) and another team's (MASKED) while
 * in team-east, then is moved to no team (`koe access set-team`, audited) and reads again; another
 * reads with no team, then is moved into team-east. Against a revision that takes away the PLAIN of
 * one's own team, only the reads made with a team change; against one that takes e-mail out of
 * the MASKED view, only the reads made without one. Both equal SQL over the trail that takes the
 * team at each event from the first later team change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { postAs, startTestKoe, type TestKoe } from '../support/koe.js';
import { policyGitRepo, type PolicyRepo } from '../support/policy-git-repo.js';
import { clonePrincipal } from '../support/principals.js';
import { runDatabaseUrl } from '../support/run-database.js';
import { editCxPolicy } from '../support/team-policy-variants.js';

let koe: TestKoe;
let repo: PolicyRepo;
const cli = (...args: string[]) => runKoe(args, koeCliEnv(runDatabaseUrl()));
const sql = <T>(q: string, p: unknown[] = []) => koe.orm.em.fork().getConnection().execute<T[]>(q, p);

const TEAM_PAGE = `query TI_Team($team: ID!) { customers(first: 4, filter: { teamId: $team }) { edges { node { id email } } } }`;
const LEAVER = 'ti-leaver';
const JOINER = 'ti-joiner';

async function readBothTeams(who: string): Promise<void> {
  for (const team of ['team-east', 'team-west']) {
    const r = await postAs(koe, who, TEAM_PAGE, { team });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  }
}

async function setTeam(who: string, team?: string): Promise<void> {
  const r = await cli('access', 'set-team', who, ...(team ? [team] : []), '--actor', 'p-admin', '--reason', 'moved');
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  koe = await startTestKoe();
  await clonePrincipal(koe.orm, LEAVER, 'p-support-east');
  await clonePrincipal(koe.orm, JOINER, 'p-support-east');
  // The joiner starts without a team, before any event of it exists.
  await sql('update principal set team_id = null where id = ?', [JOINER]);
  await readBothTeams(LEAVER);
  await readBothTeams(JOINER);
  await setTeam(LEAVER);
  await setTeam(JOINER, 'team-east');
  await readBothTeams(LEAVER);
  await readBothTeams(JOINER);
  repo = policyGitRepo({
    'no-own-team-plain': (dir) => editCxPolicy(dir, 'noOwnTeamPlain'),
    'no-masked-email': (dir) => editCxPolicy(dir, 'noMaskedEmail'),
  });
}, 180_000);

afterAll(async () => {
  repo?.remove();
  await koe?.stop();
});

interface Change { roles: string; field: string; before: string; after: string; requests: number; principals: number }

/**
 * Support agents' events of the last day that decided Customer.email as `decision`, made with a
 * team (`withTeam`) or without one: the team at an event is the `before` of the principal's first
 * later team change, else its team now (`teamNow`: false takes the team now for every event).
 */
async function expected(decision: string, withTeam: boolean, teamNow = false): Promise<{ requests: number; principals: number; ours: number }> {
  const team = teamNow ? 'p.team_id' : 'case when nxt.seq is null then p.team_id else nxt.team end';
  const [row] = await sql<{ requests: number; principals: number; ours: number }>(
    `select count(*)::int as requests, count(distinct e.actor_id)::int as principals,
            count(*) filter (where e.actor_id in (?, ?))::int as ours
       from audit_event e
       join principal p on p.id = e.actor_id
       left join lateral (
         select c.seq, c.detail->'before'->>'teamId' as team from audit_event c
          where c.action = 'access.setPrincipalTeam' and c.detail->>'principalId' = e.actor_id and c.seq > e.seq
          order by c.seq limit 1) nxt on true
      where e.at >= now() - interval '1 day' and e.roles = array['support_agent']::text[]
        and e.fields @> ?::jsonb and (${team}) is ${withTeam ? 'not null' : 'null'}`,
    [LEAVER, JOINER, JSON.stringify([{ field: 'Customer.email', decision }])],
  );
  return row!;
}

async function impact(ref: string): Promise<Change | undefined> {
  const r = await cli('policy', 'impact', ref, '--days', '1', '--format', 'json', '--dir', repo.policies);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { changes: Change[] }).changes.find((c) => c.roles === 'support_agent' && c.field === 'Customer.email');
}

describe('koe policy impact: principals who moved team', () => {
  it('counts PLAIN → MASKED for the reads made with a team: the leaver before its move, the joiner after', async () => {
    const want = await expected('PLAIN', true);
    // One PLAIN page each: the leaver's before the move, the joiner's after it.
    expect(want.ours).toBe(2);
    // The team each has now would lose the leaver's read: the test tells the two apart.
    expect((await expected('PLAIN', true, true)).ours).toBe(1);
    expect(await impact('no-own-team-plain')).toMatchObject({ before: 'PLAIN', after: 'MASKED', requests: want.requests, principals: want.principals });
  }, 120_000);

  it('counts MASKED → DENIED for the reads made without a team: the joiner before its move, the leaver after', async () => {
    const want = await expected('MASKED', false);
    // Both pages each, MASKED without a team: the joiner's before the move, the leaver's after it.
    expect(want.ours).toBe(4);
    // The team each has now would count the leaver's MASKED page before its move (3) and miss the joiner's (2).
    expect((await expected('MASKED', false, true)).ours).toBe(3);
    expect(await impact('no-masked-email')).toMatchObject({ before: 'MASKED', after: 'DENIED', requests: want.requests, principals: want.principals });
  }, 120_000);
});
