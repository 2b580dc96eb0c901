/** Evidence of logical access (SOC 2 CC6.2–CC6.3, APPI Art. 23): reviews held, grants and revocations, leavers. */
import { type CollectContext, cell, detailOf, eventsLike, hours, iso, section, targetOf } from './section.js';
import type { EvidenceSection } from './evidence-model.js';

export async function accessReviews(c: CollectContext): Promise<EvidenceSection> {
  const rows = await eventsLike(c, ['access.review']);
  return section({
    id: 'access-reviews',
    title: 'Access reviews held and their decisions',
    soc2: ['CC6.2', 'CC6.3'],
    appi: ['Art. 23'],
    summary: `${rows.length} review decision(s) recorded (koe access review --apply): each principal reviewed, by whom, and the decision.`,
    columns: ['at', 'reviewer', 'principal', 'decision', 'via'],
    rows: rows.map((r) => [iso(r.at), cell(r.actor_id), targetOf(r), cell(detailOf(r).decision), cell(detailOf(r).via)]),
  });
}

const GRANT_ACTIONS = ['access.grantRole', 'access.revokeRole', 'access.grant%', 'access.createApiKey', 'access.revokeApiKey', 'access.enablePrincipal', 'access.setPrincipalTeam'];

export async function grants(c: CollectContext): Promise<EvidenceSection> {
  const rows = await eventsLike(c, GRANT_ACTIONS);
  const role = (d: Record<string, unknown>) => d.role ?? (d.after as Record<string, unknown> | undefined)?.role ?? d.name ?? null;
  return section({
    id: 'grants',
    title: 'Grants and revocations',
    soc2: ['CC6.1', 'CC6.2', 'CC6.3'],
    appi: ['Art. 23'],
    summary: `${rows.length} access change(s): roles granted, approved (privileged roles need a second admin), rejected or revoked, and API keys created or revoked.`,
    columns: ['at', 'action', 'actor', 'principal', 'role / key', 'outcome'],
    rows: rows.map((r) => [iso(r.at), cell(r.action), cell(r.actor_id), targetOf(r), cell(role(detailOf(r))), cell(r.outcome)]),
  });
}

export async function leavers(c: CollectContext): Promise<EvidenceSection> {
  const rows = await c.sql<Record<string, unknown>>(
    `with off as (
       select distinct on (t.target) t.target, e.at, e.actor_id, e.action
         from audit_event e, lateral (select substr(r, 11) as target from unnest(e.resources) r where r like 'Principal:%') t
        where e.at >= ? and e.at < ? and e.action in ('access.disablePrincipal', 'incident.contain')
        order by t.target, e.at)
     select off.target, off.at as disabled_at, off.actor_id as disabled_by, off.action, p.status,
            greatest(p.last_seen_at, (select max(k.last_used_at) from api_key k where k.principal_id = p.id)) as last_use
       from off join principal p on p.id = off.target order by off.at`,
    [c.period.from, c.period.to],
  );
  const lag = (r: Record<string, unknown>) => {
    if (!r.last_use) return null;
    const ms = new Date(String(r.disabled_at)).getTime() - new Date(String(r.last_use)).getTime();
    return ms < 0 ? 0 : hours(ms);
  };
  const lags = rows.map(lag).filter((x): x is number => x !== null);
  return section({
    id: 'leavers',
    title: 'Leavers: disabled principals and how fast after their last use',
    soc2: ['CC6.2', 'CC6.3'],
    appi: ['Art. 23'],
    summary: `${rows.length} principal(s) disabled in the period${lags.length ? `; hours from last use to disabling: median ${lags.sort((a, b) => a - b)[Math.floor(lags.length / 2)]}, max ${Math.max(...lags)}` : ''}. A disabled principal is refused on its next request (status is read on every request).`,
    columns: ['principal', 'disabled at', 'by', 'how', 'status now', 'last use', 'hours from last use to disabled'],
    rows: rows.map((r) => [cell(r.target), iso(r.disabled_at), cell(r.disabled_by), cell(r.action), cell(r.status), iso(r.last_use), lag(r)]),
    notes: ['Last use is the principal’s last sign-in or API-key use as recorded now (last_seen_at is written at most once a minute); a later use would show a negative lag, shown as 0.'],
  });
}
