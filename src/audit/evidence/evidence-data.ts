/** Evidence of data handling (SOC 2 CC6.1, P4–P6; APPI Art. 23, 27–29, 33–35): keys, disposal, subject requests, provision records. */
import { type CollectContext, cell, detailOf, eventsLike, iso, section, targetOf } from './section.js';
import type { EvidenceSection } from './evidence-model.js';

const DAY_MS = 86_400_000;

export async function keys(c: CollectContext): Promise<EvidenceSection> {
  const rows = await c.sql<Record<string, unknown>>(
    `select v.version, v.state, v.created_at, v.retired_at, v.fingerprint,
            (select count(*)::int from data_key d where d.kek_version = v.version) as data_keys
       from kek_version v order by v.version`,
  );
  const rotations = await eventsLike(c, ['keys.%']);
  const age = (r: Record<string, unknown>) => Math.floor((c.period.to.getTime() - new Date(String(r.created_at)).getTime()) / DAY_MS);
  return section({
    id: 'keys',
    title: 'Key versions and rotation ages',
    soc2: ['CC6.1', 'CC6.7'],
    appi: ['Art. 23'],
    summary: `${rows.length} key-encryption key version(s); ${rotations.length} rotation event(s) in the period. Personal data is sealed with per-customer data keys wrapped by these versions.`,
    columns: ['version', 'state', 'created', 'retired', 'age (days) at period end', 'data keys wrapped', 'fingerprint'],
    rows: rows.map((r) => [cell(r.version), cell(r.state), iso(r.created_at), iso(r.retired_at), age(r), cell(r.data_keys), cell(r.fingerprint)]),
    notes: rotations.map((r) => `${iso(r.at)} ${String(r.action)} by ${String(r.actor_id ?? '-')}: ${JSON.stringify(detailOf(r))}`),
  });
}

export async function lifecycle(c: CollectContext): Promise<EvidenceSection> {
  const rows = await eventsLike(c, ['lifecycle.%']);
  const disposed = rows.reduce((a, r) => a + Number(detailOf(r).count ?? 0), 0);
  return section({
    id: 'lifecycle',
    title: 'Lifecycle runs and what they disposed of',
    soc2: ['P4.2', 'P4.3', 'C1.2'],
    appi: ['Art. 23'],
    summary: `${rows.length} lifecycle batch(es) recorded, ${disposed} record(s) disposed of by the retention rules of the policy files.`,
    columns: ['at', 'actor', 'category', 'action', 'records', 'cutoff'],
    rows: rows.map((r) => {
      const d = detailOf(r);
      return [iso(r.at), cell(r.actor_id), cell(d.category), cell(d.action), cell(d.count), cell(d.cutoff)];
    }),
  });
}

export async function subjectRequests(c: CollectContext): Promise<EvidenceSection> {
  const rows = await c.sql<Record<string, unknown>>(
    `select seq::text as seq, at, actor_id, action, outcome, resources, detail from audit_event
      where at >= ? and at < ? and (action like 'subject.%' or (action = 'mutation' and detail->'mutations' @> '[{"name":"requestErasure"}]'))
      order by seq`,
    [c.period.from, c.period.to],
  );
  const took = (d: Record<string, unknown>, at: unknown) => {
    const asked = d.requestedAt ?? d.receivedAt;
    return asked ? Math.max(0, Math.round((new Date(String(at)).getTime() - new Date(String(asked)).getTime()) / 1000)) : 0;
  };
  return section({
    id: 'subject-requests',
    title: 'Data-subject requests and time to completion',
    soc2: ['P5.1', 'P5.2', 'P4.3'],
    appi: ['Art. 33', 'Art. 34', 'Art. 35'],
    summary: `${rows.length} data-subject action(s): disclosures (Art. 33), restrictions and erasures (Art. 35).`,
    columns: ['at', 'action', 'customer', 'actor', 'outcome', 'seconds from request to completion'],
    rows: rows.map((r) => {
      const d = detailOf(r);
      return [iso(r.at), cell(r.action), targetOf(r, 'Customer') ?? cell(d.customerId), cell(r.actor_id), cell(r.outcome), took(d, r.at)];
    }),
    notes: ['Koe completes a subject request in the request that asks for it: where the event carries no separate request time, the time taken is 0 (the request received outside Koe, e.g. by letter, is not in the trail).'],
  });
}

export async function provision(c: CollectContext): Promise<EvidenceSection> {
  const rows = await c.sql<Record<string, unknown>>(
    `select provided_at, recipient_name, recipient_country, purpose, consent_purpose, data_items, customer_count, record_count, excluded_count, actor_id, keep_until
       from provision_record where provided_at >= ? and provided_at < ? order by provided_at`,
    [c.period.from, c.period.to],
  );
  return section({
    id: 'provision',
    title: 'Third-party provision records',
    soc2: ['P6.1', 'P6.2', 'P6.3'],
    appi: ['Art. 27', 'Art. 28', 'Art. 29'],
    summary: `${rows.length} provision(s) to third parties recorded (Art. 29 records: recipient, date, items, customers), with the consent purpose checked and those excluded counted.`,
    columns: ['provided at', 'recipient', 'country', 'purpose', 'consent purpose', 'items', 'customers', 'records', 'excluded', 'by', 'keep until'],
    rows: rows.map((r) => [iso(r.provided_at), cell(r.recipient_name), cell(r.recipient_country), cell(r.purpose), cell(r.consent_purpose), cell((r.data_items as string[] | null)?.join(', ') ?? null), cell(r.customer_count), cell(r.record_count), cell(r.excluded_count), cell(r.actor_id), iso(r.keep_until)]),
  });
}
