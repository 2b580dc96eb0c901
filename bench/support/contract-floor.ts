/**
 * The contract floor: a bare node:http + pg server doing what the contract makes every read do and
 * nothing more. Per request: verify the bearer token and read the principal row, run the page's
 * SQL with the row condition (use restrictions binding the caller's purposes), open and mask the
 * same fields through the same caches (FieldCrypto's key and value caches, the masked-value memo),
 * append one chained audit event with a synchronous commit (Koe's own append and group commit, in
 * the chain format `koe audit verify` checks), and serialise JSON. No GraphQL, no ORM, no CASL: the
 * pages (contract-floor-pages.ts) know their fields and maskers, which the benchmark checks by
 * comparing their answers with Koe's. Left out, as not asked of a request by the contract: alert
 * evaluation, checkpoints and the last-seen stamp, which Koe does after or beside the response.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse, type OperationDefinitionNode } from 'graphql';
import pg from 'pg';
import { AuditAppendBatcher } from '../../src/audit/append-batcher.js';
import type { NewAuditEvent } from '../../src/audit/event.js';
import { operationHash } from '../../src/audit/operation-hash.js';
import { verifyBearer } from '../../src/auth/jwt.js';
import { FieldCrypto } from '../../src/data/encryption/index.js';
import type { EncryptedTable } from '../../src/data/encryption/encrypted-columns.js';
import { bindingPurposes } from '../../src/policies/ability/use-restriction.js';
import type { MaskerName } from '../../src/policies/maskers/index.js';
import type { PolicySet } from '../../src/policies/index.js';
import { requestMeta } from '../../src/request/meta.js';
import { memoisedMask } from '../../src/resolvers/guard/masked-memo.js';
import type { BenchDb } from './bench-db.js';
import { customersPage, dashboardPage, type FloorAnswer, type FloorPage } from './contract-floor-pages.js';
import { pgAsEntityManager } from './pg-as-em.js';

export interface ContractFloor {
  customersUrl: string;
  dashboardUrl: string;
  close(): Promise<void>;
}

/** What a page may use: the pool, the caller's binding purposes, keys, opening and masking. */
export interface FloorTools {
  pool: pg.Pool;
  /** Purposes whose use restrictions hide rows from this caller, sorted (the row condition). */
  restricted: readonly string[];
  keys(owners: readonly string[]): Promise<Map<string, Buffer>>;
  open(key: Buffer, table: EncryptedTable, column: string, recordId: string, stored: string | null): string | null;
  mask(masker: MaskerName, value: unknown): unknown;
}

interface Principal {
  id: string;
  roles: string[];
}

class Refused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

// The columns Koe's authenticate reads: the floor reads the same row, not a slimmer one.
const PRINCIPAL_SQL = `select id, display_name, roles, team_id, attributes, status,
  (expires_at is not null and expires_at <= $1::timestamptz) as expired from principal where id = $2`;

export async function startContractFloor(db: BenchDb, policy: PolicySet, opts: { jwtSecret: Uint8Array; pseudonymKey: string; poolMax: number }): Promise<ContractFloor> {
  // Every commit waits for its WAL flush, as Koe's append does for a direct call.
  const pool = new pg.Pool({ connectionString: db.url, max: opts.poolMax, options: '-c synchronous_commit=on' });
  const em = pgAsEntityManager(pool);
  // Its own caches, as a separate server would have: nothing warmed by Koe's servers in this process.
  const crypto = await FieldCrypto.open(db.orm.em.fork(), db.crypto.provider);
  const batcher = new AuditAppendBatcher();
  const maskContext = { pseudonymKey: opts.pseudonymKey };
  const restrictedFor = new Map<string, string[]>();
  const operations = new Map<string, { name: string | null; hash: string }>();

  const tools = (restricted: readonly string[]): FloorTools => ({
    pool,
    restricted,
    keys: (owners) => crypto.loadKeys(em, owners),
    open: (key, table, column, id, stored) => crypto.decrypt(key, table, column, id, stored),
    mask: (masker, value) => memoisedMask(masker, maskContext)(value),
  });

  async function authenticate(authorization: string | undefined): Promise<Principal> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw new Refused(401, 'no bearer token');
    const verified = await verifyBearer(token, opts.jwtSecret);
    if ('error' in verified) throw new Refused(401, verified.error);
    const { rows } = await pool.query<{ id: string; roles: string[]; status: string; expired: boolean }>(PRINCIPAL_SQL, [new Date(), verified.sub]);
    const row = rows[0];
    if (!row || row.status !== 'active' || row.expired) throw new Refused(401, 'unknown or disabled principal');
    return { id: row.id, roles: row.roles };
  }

  function purposesOf(principal: Principal, declared: string | null): string[] {
    const key = `${principal.roles.join(',')}|${declared ?? ''}`;
    let out = restrictedFor.get(key);
    if (!out) {
      if (declared !== null && !policy.purposes.has(declared)) throw new Refused(400, `undeclared purpose ${declared}`);
      const defaults = principal.roles.filter((r) => policy.roles.has(r)).map((r) => policy.roles.get(r)!.defaultPurpose);
      restrictedFor.set(key, (out = bindingPurposes(declared, defaults, policy.purposes.keys())));
    }
    return out;
  }

  function operationOf(query: string): { name: string | null; hash: string } {
    let op = operations.get(query);
    if (!op) {
      const doc = parse(query);
      const def = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
      operations.set(query, (op = { name: def?.name?.value ?? null, hash: operationHash(doc, query) }));
    }
    return op;
  }

  async function answer(req: IncomingMessage, body: string, page: FloorPage): Promise<string> {
    const { query } = JSON.parse(body) as { query: string };
    const meta = requestMeta(req);
    const principal = await authenticate(meta.authorization);
    if (!principal.roles.some((r) => page.roles.includes(r))) throw new Refused(403, `the floor serves ${page.roles.join(', ')} only`);
    const at = new Date();
    const result: FloorAnswer = await page.run(tools(purposesOf(principal, meta.purpose)));
    const op = operationOf(query);
    const event: NewAuditEvent = {
      at,
      actorId: principal.id,
      roles: principal.roles,
      action: 'query',
      outcome: 'ok',
      operationName: op.name,
      operationHash: op.hash,
      purpose: meta.purpose,
      subgraph: page.subgraph,
      resources: [...new Set(result.resources)].sort(),
      fields: result.fields.sort((a, b) => (a.field + a.decision).localeCompare(b.field + b.decision)),
      policyVersion: policy.version,
      requestId: meta.requestId,
      clientAddress: meta.clientAddress,
      detail: null,
    };
    // Fail closed: no byte leaves before the event describing it is durable.
    await batcher.append(em, event);
    // Apollo ends its JSON with a newline: the same bytes.
    return `${JSON.stringify({ data: result.data })}\n`;
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const page = req.url === '/customers' ? customersPage : dashboardPage;
      answer(req, Buffer.concat(chunks).toString('utf8'), page).then(
        (json) => {
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(json);
        },
        (e: unknown) => {
          res.statusCode = e instanceof Refused ? e.status : 500;
          res.end(JSON.stringify({ errors: [{ message: e instanceof Error ? e.message : String(e) }] }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    customersUrl: `http://127.0.0.1:${port}/customers`,
    dashboardUrl: `http://127.0.0.1:${port}/dashboard`,
    close: async () => {
      await new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections()));
      await pool.end();
    },
  };
}
