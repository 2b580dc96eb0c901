import { Migration } from '@mikro-orm/migrations';

/**
 * `koe_audit_append_canonical(batch jsonb)`: as `koe_audit_append` (Migration20261128194000_AuditAppendFn:
 * chain lock, head, seq and hash per element in order, one statement), but each element carries only
 * the row's id and its canonical body around the seq (`{ id, prefix, suffix }`, src/audit/append.ts):
 * the columns are read from that body here, so the caller encodes an event once, and what is stored
 * is by construction what the hash covers. A subgraph called by Koe's gateway signs exactly these
 * three values, and the gateway passes them on without decoding them (src/audit/handoff.ts).
 * `koe_audit_append` stays for instances not yet upgraded (a rolling deploy appends through both).
 */
export class Migration20261208100000_AuditAppendCanonical extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function koe_audit_append_canonical(batch jsonb)
returns table (chain_seq bigint, chain_prev_hash varchar(64), chain_hash varchar(64))
language plpgsql volatile set enable_seqscan = off as $fn$
declare
  head_seq bigint;
  head_hash varchar(64);
  ids uuid[];
  prefixes text[];
  suffixes text[];
  body text;
  bodies jsonb[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
begin
  perform pg_advisory_xact_lock(1265591617);
  select a.seq, a.hash into head_seq, head_hash from audit_event a order by a.seq desc limit 1;
  head_seq := coalesce(head_seq, 0);
  head_hash := coalesce(head_hash, repeat('0', 64));
  select array_agg((b.value->>'id')::uuid order by b.ord), array_agg(b.value->>'prefix' order by b.ord), array_agg(b.value->>'suffix' order by b.ord)
    into ids, prefixes, suffixes from jsonb_array_elements(batch) with ordinality b(value, ord);
  for i in 1 .. coalesce(array_length(prefixes, 1), 0) loop
    body := prefixes[i] || '"' || (head_seq + i)::text || '"' || suffixes[i];
    prevs[i] := head_hash;
    head_hash := encode(sha256(convert_to(head_hash || chr(10) || body, 'UTF8')), 'hex');
    hashes[i] := head_hash;
    -- The body as hashed is the event (its keys: src/audit/canonical.ts), decoded once.
    bodies[i] := body::jsonb;
  end loop;
  insert into audit_event (id, seq, at, actor_id, roles, action, outcome, operation_name, operation_hash, purpose,
    subgraph, resources, fields, policy_version, request_id, client_address, detail, prev_hash, hash)
  select ids[e.ord], head_seq + e.ord, r."at", r."actorId", r.roles, r.action, r.outcome, r."operationName", r."operationHash", r.purpose,
    r.subgraph, r.resources, r.fields, r."policyVersion", r."requestId", r."clientAddress", nullif(r.detail, 'null'::jsonb),
    prevs[e.ord], hashes[e.ord]
  from unnest(bodies) with ordinality e(body, ord),
    jsonb_to_record(e.body) as r("at" timestamptz, "actorId" varchar(128), roles text[], action varchar(64), outcome varchar(32),
      "operationName" text, "operationHash" varchar(64), purpose varchar(64), subgraph varchar(32), resources text[], fields jsonb,
      "policyVersion" varchar(64), "requestId" varchar(64), "clientAddress" varchar(64), detail jsonb);
  return query select head_seq + i, prevs[i]::varchar(64), hashes[i]::varchar(64) from generate_subscripts(hashes, 1) i order by i;
end
$fn$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists koe_audit_append_canonical(jsonb);`);
  }
}
