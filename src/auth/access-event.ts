/** The audit event of an access change: who changed whose rights, from where, before and after. */
import { randomUUID } from 'node:crypto';
import type { NewAuditEvent } from '../audit/event.js';

export interface AccessActor {
  readonly id: string;
  readonly roles: readonly string[];
  readonly policyVersion: string;
  /** The GraphQL request, or a fresh id for a CLI command. */
  readonly requestId?: string;
  readonly subgraph?: string | null;
  readonly clientAddress?: string | null;
  /** `graphql` or `cli`: where the change was made. */
  readonly via: 'graphql' | 'cli';
}

export function auditAccessEvent(
  actor: AccessActor,
  action: string,
  resources: string[],
  detail: Record<string, unknown>,
  at: Date = new Date(),
): NewAuditEvent {
  return {
    at,
    actorId: actor.id,
    roles: actor.roles,
    action,
    outcome: 'ok',
    operationName: null,
    operationHash: null,
    purpose: null,
    subgraph: actor.subgraph ?? null,
    resources,
    fields: [],
    policyVersion: actor.policyVersion,
    requestId: actor.requestId ?? randomUUID(),
    clientAddress: actor.clientAddress ?? null,
    detail: { ...detail, via: actor.via },
  };
}
