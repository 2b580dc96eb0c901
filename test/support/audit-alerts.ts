/**
 * For alert tests: a copy of policies/ with its own audit.policy.yaml, a logger that keeps warn
 * lines, raw requests from a chosen local address, and polling for the events alerts append later.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Sql } from '../../src/audit/chain-reader.js';
import { POLICY_DIR } from './koe.js';

export function policyDirWithAudit(auditYaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policies-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'audit.policy.yaml'), auditYaml);
  return dir;
}

export function collectingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

/** POSTs GraphQL from `localAddress` (any 127.0.0.0/8 address reaches a loopback server on Linux). */
export function postFrom(url: string, localAddress: string, body: unknown, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

export async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface AlertRow {
  action: string;
  actor_id: string | null;
  client_address: string | null;
  detail: Record<string, unknown>;
}

export const alertEvents = (sql: Sql, rule: string) =>
  sql<AlertRow>("select action, actor_id, client_address, detail from audit_event where action = ? and outcome = 'alert' order by seq", [`alert.${rule}`]);

/** Distinct items counted for a rule and subject: evaluation of the requests sent so far is done. */
export const marks = async (sql: Sql, rule: string, subject: string) =>
  Number((await sql<{ n: string }>("select count(*)::text as n from audit_alert_mark where rule = ? and subject = ? and item <> '!alerted'", [rule, subject]))[0]?.n ?? 0);
