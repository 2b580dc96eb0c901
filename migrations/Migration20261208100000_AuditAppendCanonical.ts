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
  prefixes text[];
  suffixes text[];
  prevs text[] := '{}';
  hashes text[] := '{}';
begin
  perform pg_advisory_xact_lock(1265591617);
  select a.seq, a.hash into head_seq, head_hash from audit_event a order by a.seq desc limit 1;
  head_seq := coalesce(head_seq, 0);
  head_hash := coalesce(head_hash, repeat('0', 64));
  select array_agg(b.value->>'prefix' order by b.ord), array_agg(b.value->>'suffix' order by b.ord)
    into prefixes, suffixes from jsonb_array_elements(batch) with ordinality b(value, ord);
  for i in 1 .. coalesce(array_length(prefixes, 1), 0) loop
    prevs[i] := head_hash;
    head_hash := encode(sha256(convert_to(head_hash || chr(10) || prefixes[i] || '"' || (head_seq + i)::text || '"' || suffixes[i], 'UTF8')), 'hex');
    hashes[i] := head_hash;
  end loop;
  -- The body with any seq is the event as hashed; its keys are the event's (src/audit/canonical.ts).
  insert into audit_event (id, seq, at, actor_id, roles, action, outcome, operation_name, operation_hash, purpose,
    subgraph, resources, fields, policy_version, request_id, client_address, detail, prev_hash, hash)
  select r.id, head_seq + b.ord, r.at, r.actor_id, r.roles, r.action, r.outcome, r.operation_name, r.operation_hash, r.purpose,
    r.subgraph, r.resources, r.fields, r.policy_version, r.request_id, r.client_address, nullif(r.detail, 'null'::jsonb),
    prevs[b.ord], hashes[b.ord]
  from jsonb_array_elements(batch) with ordinality b(value, ord),
    lateral (select (prefixes[b.ord] || '"0"' || suffixes[b.ord])::jsonb as e) body,
    jsonb_populate_record(null::audit_event, jsonb_build_object(
      'id', b.value->'id', 'at', body.e->'at', 'actor_id', body.e->'actorId', 'roles', body.e->'roles', 'action', body.e->'action',
      'outcome', body.e->'outcome', 'operation_name', body.e->'operationName', 'operation_hash', body.e->'operationHash',
      'purpose', body.e->'purpose', 'subgraph', body.e->'subgraph', 'resources', body.e->'resources', 'fields', body.e->'fields',
      'policy_version', body.e->'policyVersion', 'request_id', body.e->'requestId', 'client_address', body.e->'clientAddress',
      'detail', body.e->'detail')) r;
  return query select head_seq + i, prevs[i]::varchar(64), hashes[i]::varchar(64) from generate_subscripts(hashes, 1) i order by i;
end
$fn$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists koe_audit_append_canonical(jsonb);`);
  }
}
