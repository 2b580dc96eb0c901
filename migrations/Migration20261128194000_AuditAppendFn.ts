import { Migration } from '@mikro-orm/migrations';

/**
 * `koe_audit_append(batch jsonb)`: one audit append in one statement, so one round trip (the
 * statement is its own transaction and commits durably, as `synchronous_commit` says).
 *
 * It takes the chain lock (0x4b6f6541, as in src/audit/append.ts and koe_audit_prune), reads the
 * head, and for each element in order assigns the next seq, hashes and inserts, returning
 * `(chain_seq, chain_prev_hash, chain_hash)` per element in the same order. The hash is
 * `sha256(prevHash || '\n' || prefix || '"' || seq || '"' || suffix)`, where prefix and suffix are
 * the canonical body around its seq computed by the caller (`eventHashParts` in
 * src/audit/canonical.ts): byte for byte what `eventHash` computes, so `koe audit verify` checks
 * these rows unchanged. Each element also carries the row's columns, named as in the table.
 *
 * Under read committed every statement in the function takes a new snapshot, so the head read
 * after the lock sees the previous holder's committed rows: instances never fork the chain.
 */
export class Migration20261128194000_AuditAppendFn extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function koe_audit_append(batch jsonb)
returns table (chain_seq bigint, chain_prev_hash varchar(64), chain_hash varchar(64))
language plpgsql volatile as $fn$
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
  -- The chain is sequential; the insert is not: hash in a loop, then insert the batch in one statement.
  for i in 1 .. coalesce(array_length(prefixes, 1), 0) loop
    prevs[i] := head_hash;
    head_hash := encode(sha256(convert_to(head_hash || chr(10) || prefixes[i] || '"' || (head_seq + i)::text || '"' || suffixes[i], 'UTF8')), 'hex');
    hashes[i] := head_hash;
  end loop;
  insert into audit_event (id, seq, at, actor_id, roles, action, outcome, operation_name, operation_hash, purpose,
    subgraph, resources, fields, policy_version, request_id, client_address, detail, prev_hash, hash)
  select r.id, head_seq + b.ord, r.at, r.actor_id, r.roles, r.action, r.outcome, r.operation_name, r.operation_hash, r.purpose,
    r.subgraph, r.resources, r.fields, r.policy_version, r.request_id, r.client_address, nullif(r.detail, 'null'::jsonb),
    prevs[b.ord], hashes[b.ord]
  from jsonb_array_elements(batch) with ordinality b(value, ord), jsonb_populate_record(null::audit_event, b.value) r;
  return query select head_seq + i, prevs[i]::varchar(64), hashes[i]::varchar(64) from generate_subscripts(hashes, 1) i order by i;
end
$fn$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists koe_audit_append(jsonb);`);
  }
}
