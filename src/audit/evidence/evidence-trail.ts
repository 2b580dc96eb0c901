/** Evidence of monitoring and change (SOC 2 CC7.2, CC8.1; APPI Art. 23, 26): the chain verified, checkpoints, alerts, incidents, policy versions. */
import { checkpointSignatureValid, type Checkpoint } from '../checkpoint.js';
import { verifyChain } from '../verify.js';
import { diffMatrices } from '../../policies/index.js';
import { recordedPolicyVersions } from '../policy-version-record.js';
import { type CollectContext, cell, detailOf, eventsLike, inPeriod, iso, section, targetOf } from './section.js';
import type { Cell, EvidenceSection } from './evidence-model.js';

export async function chain(c: CollectContext): Promise<EvidenceSection> {
  const v = await verifyChain(c.sql, { key: c.key, batchSize: 5000, onProgress: c.onProgress });
  const [counted] = await inPeriod<{ n: string; first: string | null; last: string | null }>(
    c,
    'select count(*)::text as n, min(seq)::text as first, max(seq)::text as last from audit_event where at >= ? and at < ?',
  );
  return section({
    id: 'chain',
    title: 'Audit chain verification',
    soc2: ['CC7.2', 'CC4.1'],
    appi: ['Art. 23'],
    summary: v.ok
      ? `The whole chain verified when this pack was made: ${v.events} events (seq ${v.firstSeq}–${v.lastSeq}), ${v.checkpoints} checkpoints, signatures ${v.signaturesChecked ? 'checked' : 'NOT checked (no key)'}.`
      : `The chain did NOT verify: ${v.problem?.message} (seq ${v.problem?.seq}, ${v.problem?.kind}).`,
    columns: ['verified', 'events', 'first seq', 'last seq', 'checkpoints', 'signatures checked', 'problem', 'events in period', 'period seq range'],
    rows: [[v.ok, v.events, v.firstSeq, v.lastSeq, v.checkpoints, v.signaturesChecked, v.problem ? `${v.problem.kind} at seq ${v.problem.seq}` : null, Number(counted?.n ?? 0), counted?.first ? `${counted.first}–${counted.last}` : null]],
  });
}

export async function checkpoints(c: CollectContext): Promise<EvidenceSection> {
  const rows = await inPeriod<Record<string, unknown>>(
    c,
    'select seq::text as seq, hash, at, key_id, signature from audit_checkpoint where at >= ? and at < ? order by seq',
  );
  const valid = (r: Record<string, unknown>) => (c.key ? checkpointSignatureValid(c.key, r as unknown as Checkpoint) && r.key_id === c.key.id : null);
  return section({
    id: 'checkpoints',
    title: 'Signed checkpoints',
    soc2: ['CC7.2'],
    appi: ['Art. 23'],
    summary: `${rows.length} checkpoint(s) signed in the period (HMAC-SHA256 with the audit checkpoint key): each commits to the chain up to its seq.`,
    columns: ['seq', 'at', 'hash', 'key id', 'signature valid'],
    rows: rows.map((r) => [cell(r.seq), iso(r.at), cell(r.hash), cell(r.key_id), valid(r)]),
  });
}

export async function alerts(c: CollectContext): Promise<EvidenceSection> {
  const rows = await inPeriod<Record<string, unknown>>(
    c,
    `select action, count(*)::int as n, min(at) as first, max(at) as last, count(distinct actor_id)::int as principals
       from audit_event where at >= ? and at < ? and action like 'alert.%' group by action order by action`,
  );
  return section({
    id: 'alerts',
    title: 'Alerts and their counts',
    soc2: ['CC7.2', 'CC7.3'],
    appi: ['Art. 23', 'Art. 26'],
    summary: `${rows.reduce((a, r) => a + Number(r.n), 0)} alert(s) raised by the audit policy's rules (bulk reads, after-hours access, refusals …).`,
    columns: ['rule', 'alerts', 'principals', 'first', 'last'],
    rows: rows.map((r) => [String(r.action).slice('alert.'.length), cell(r.n), cell(r.principals), iso(r.first), iso(r.last)]),
  });
}

export async function incidents(c: CollectContext): Promise<EvidenceSection> {
  const rows = await eventsLike(c, ['incident.%']);
  return section({
    id: 'incidents',
    title: 'Incident reports and containment',
    soc2: ['CC7.3', 'CC7.4'],
    appi: ['Art. 26'],
    summary: `${rows.length} incident action(s): reports drawn from the trail (koe incident report) and principals contained (koe incident contain).`,
    columns: ['at', 'action', 'actor', 'principal', 'detail'],
    rows: rows.map((r) => {
      const d = detailOf(r);
      return [iso(r.at), cell(r.action), cell(r.actor_id), targetOf(r) ?? cell(d.principalId), cell(d.reason ?? (d.customers !== undefined ? `${String(d.customers)} customers` : null))];
    }),
  });
}

interface VersionInForce {
  version: string;
  n: number;
  first: unknown;
  last: unknown;
}

function versionsInForce(c: CollectContext): Promise<VersionInForce[]> {
  return inPeriod<VersionInForce>(
    c,
    `select policy_version as version, count(*)::int as n, min(at) as first, max(at) as last from audit_event
      where at >= ? and at < ? group by 1 order by min(at)`,
  );
}

export async function policyVersions(c: CollectContext): Promise<EvidenceSection> {
  const rows = await versionsInForce(c);
  const recorded = await recordedPolicyVersions(c.sql, rows.map((r) => r.version));
  const unknown = rows.filter((r) => !recorded.has(r.version)).map((r) => r.version);
  return section({
    id: 'policy-versions',
    title: 'Policy versions in force',
    soc2: ['CC8.1', 'CC6.1'],
    appi: ['Art. 23'],
    summary: `${rows.length} policy version(s) decided requests in the period; the version on disk now is ${c.policyVersion}. Every event records the version (a hash of the policy files) that decided it; Koe records each version's files and decision matrix when it first runs under it.`,
    columns: ['version', 'events decided', 'first', 'last', 'on disk now', 'content recorded', 'first seen', 'git commit', 'files'],
    rows: rows.map((r) => {
      const rec = recorded.get(r.version);
      return [cell(r.version), cell(r.n), iso(r.first), iso(r.last), r.version === c.policyVersion, rec !== undefined, iso(rec?.firstSeenAt), cell(rec?.gitCommit), rec ? rec.files.map((f) => f.name).join(', ') : null];
    }),
    notes: unknown.map((v) => `Version ${v}: content unknown (it ran before Koe recorded policy versions, or on a database that did not): its matrix cannot be diffed here; use \`koe policy diff <ref>\` on the git history.`),
  });
}

export async function policyChanges(c: CollectContext): Promise<EvidenceSection> {
  const versions = (await versionsInForce(c)).map((r) => r.version);
  const recorded = await recordedPolicyVersions(c.sql, versions);
  const rows: Cell[][] = [];
  const notes: string[] = [];
  for (let i = 1; i < versions.length; i++) {
    const [from, to] = [versions[i - 1]!, versions[i]!];
    const before = recorded.get(from);
    const after = recorded.get(to);
    if (!before || !after) {
      notes.push(`${from} → ${to}: not diffed, the content of ${[before ? null : from, after ? null : to].filter(Boolean).join(' and ')} is unknown (never recorded).`);
      continue;
    }
    for (const ch of diffMatrices(before.matrix, after.matrix)) rows.push([from, to, ch.role, ch.field, ch.before, ch.after]);
  }
  return section({
    id: 'policy-changes',
    title: 'Policy changes between the versions in force',
    soc2: ['CC8.1'],
    appi: ['Art. 23'],
    summary: `For each consecutive pair of the ${versions.length} version(s) in force, the role × field decisions that changed (PLAIN / MASKED(masker) / DENIED / CONDITIONAL, as \`koe policy matrix\` shows them): ${rows.length} change(s).`,
    columns: ['from version', 'to version', 'role', 'field', 'before', 'after'],
    rows,
    notes,
  });
}
