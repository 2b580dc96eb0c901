/**
 * The per-event steps of a read's audit event, timed one by one on the events a real gateway
 * request makes (the customers page with its feedback, as `audit-append --only latency`): what
 * each subgraph does to hand its event back, what the gateway does to check it and to build the
 * append's parameter, and the alert rules. Best of 5 × --calls, µs of CPU per call.
 *
 *   npm run bench -- audit-event-cost [--calls 1000] [--first 100]
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { alertChecks, outsideHours } from '../src/audit/alerts/alert-checks.js';
import { eventOfRow } from '../src/audit/chain-reader.js';
import type { NewAuditEvent } from '../src/audit/event.js';
import { handOff, HANDOFF_EXTENSION, HandoffInbox } from '../src/audit/handoff.js';
import { batchParameter, eventOfPrepared, prepareAuditRow } from '../src/audit/append.js';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { derivedKey } from '../src/crypto/derive.js';
import { decodeExposure, encodeRecordExposure } from '../src/audit/exposure.js';
import { touchedIds } from '../src/audit/request-event.js';
import { TouchedRows } from '../src/data/touched-rows.js';
import { DecisionCounter } from '../src/request/decision-counter.js';
import { loadPolicy } from '../src/server/policy.js';
import { customersWithFeedback } from './support/audit-query.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const calls = Number(args.get('calls') ?? 1000);
const first = Number(args.get('first') ?? 100);
const QUERY = customersWithFeedback(first);

/** CPU µs per call, best of 5 runs of `calls`. */
function time(fn: () => unknown): number {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / calls);
  }
  return best;
}

async function main(): Promise<void> {
  const db = await openBenchDb({ customers: 2_000, feedback: 10_000 }, (l) => console.error(l));
  const policy = await loadPolicy(cliPolicyDir());
  const platform = await startBenchPlatform(db, { policy });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const res = await fetch(platform.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: QUERY }) });
  if (res.status !== 200) throw new Error(await res.text());
  const rows = await db.orm.em.fork().getConnection().execute<Array<Record<string, unknown>>>(
    `select id, seq::text as seq, at, actor_id, roles, action, outcome, operation_name, operation_hash, purpose, subgraph, resources, fields,
       policy_version, request_id, client_address, detail, prev_hash, hash from audit_event where subgraph <> 'gateway' order by seq desc limit 2`,
  );
  await platform.stop();
  // An entity manager with an empty identity map, as a read's request has (its rows are in `touched`).
  const em = db.orm.em.fork();
  const key = derivedKey(secret, 'auditHandoff');
  const events: NewAuditEvent[] = rows.map((r) => {
    const { id: _i, seq: _s, prevHash: _p, hash: _h, ...e } = eventOfRow(r);
    return e;
  }).reverse();
  const out: string[] = [`${calls} calls × 5, best; load average ${loadavg().map((l) => l.toFixed(1)).join(', ')}`];
  const ah = policy.audit.alerts.after_hours!;
  for (const e of events) {
    const handed = handOff(key, prepareAuditRow(e));
    const size = JSON.stringify(handed).length;
    out.push(`\n${e.subgraph} event: ${e.resources.length} resources, ${e.fields.length} fields; handoff ${size} bytes as JSON`);
    const steps: Array<[string, () => unknown]> = [
      ['subgraph: hand off (prepare, sign)', () => handOff(key, prepareAuditRow(e))],
      ['subgraph: the handoff in the response JSON', () => JSON.stringify({ data: null, extensions: { [HANDOFF_EXTENSION]: handed } })],
      ['gateway: the handoff out of the response JSON', () => JSON.parse(JSON.stringify({ [HANDOFF_EXTENSION]: handed }))],
      ['gateway: check it', () => new HandoffInbox(key, e.requestId).take(e.subgraph!, { [HANDOFF_EXTENSION]: handed })],
      ['direct append: prepare the row', () => prepareAuditRow(e)],
      ['append parameter of one prepared row', () => batchParameter([prepareAuditRow(e)])],
      ['gateway: decode it for the alert rules', () => eventOfPrepared({ ...prepareAuditRow(e), event: null })],
      ['alert checks (policy rules)', () => alertChecks(e, policy.audit.alerts)],
      ['after_hours clock', () => outsideHours(e.at, ah)],
    ];
    // What the subgraph's request collected, rebuilt from the event: the rows it read, the values it showed.
    const touched = new TouchedRows();
    // In a page's order (its sort key), not the resources' (id) order: the event sorts them.
    const byTail = (a: { id: string }, b: { id: string }) => (a.id.slice(-6) < b.id.slice(-6) ? -1 : 1);
    for (const type of ['Customer', 'Feedback']) touched.add(`${type}Entity`, e.resources.filter((r) => r.startsWith(`${type}:`)).map((r) => ({ id: r.slice(type.length + 1) })).sort(byTail));
    const decisions = new DecisionCounter();
    for (const x of decodeExposure(e.resources, e.detail) ?? []) {
      const [type, id] = [x.record.slice(0, x.record.indexOf(':')), x.record.slice(x.record.indexOf(':') + 1)];
      for (const f of x.plain) decisions.shown(type, id, `P${f}`);
      for (const f of x.masked) decisions.shown(type, id, `M${f}`);
    }
    steps.unshift(
      ['subgraph: the touched records', () => touchedIds(em, touched)],
      ['subgraph: resources and exposure groups', () => encodeRecordExposure(touchedIds(em, touched), decisions.shownByType())],
    );
    for (const [name, fn] of steps) out.push(`  ${name.padEnd(46)} ${time(fn).toFixed(1).padStart(8)} µs`);
  }
  await db.close();
  console.log(out.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
