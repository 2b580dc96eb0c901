/** What one audit event holds before the chain gives it a sequence number and hashes. */
export interface NewAuditEvent {
  at: Date;
  actorId: string | null;
  roles: readonly string[];
  /** e.g. `query`, `mutation`, `authenticate`, `access.grantRole`, `keys.rotate`. */
  action: string;
  /** `ok`, `partial` (some field DENIED), `denied`, `unauthenticated`, `error`. */
  outcome: string;
  operationName: string | null;
  operationHash: string | null;
  purpose: string | null;
  subgraph: string | null;
  /** `Customer:<id>`, `Feedback:<id>`, `Principal:<id>` … */
  resources: readonly string[];
  fields: ReadonlyArray<{ field: string; decision: string; count: number }>;
  policyVersion: string;
  requestId: string;
  clientAddress: string | null;
  /** Structured detail (what a mutation changed, masked; who granted what). Never raw PII. */
  detail?: Readonly<Record<string, unknown>> | null;
}

export interface ChainedAuditEvent extends NewAuditEvent {
  id: string;
  seq: string;
  prevHash: string;
  hash: string;
}

/** The `prevHash` of the first event: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);
