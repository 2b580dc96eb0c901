/**
 * What a mutation asked for, fit for the audit trail: the mutation's name and its arguments with
 * every personal value redacted. Only identifiers and enum-like values are kept: an unknown key
 * is redacted, so a new argument cannot leak by default.
 */
import { Kind, valueFromASTUntyped, type OperationDefinitionNode } from 'graphql';
import { MASKERS } from '../policies/maskers/index.js';

// Values that name records or states, never a person's data.
const KEPT = /^(id|.*Id|ids|status|role|channel|rating|sentiment|purpose|purposes|source|segment|reason_code)$/;

/**
 * The reason of a data-subject request is the record's point, so it is kept as written, except
 * personal data typed into it (an email, a phone number …), which becomes a marker like `[EMAIL]`.
 */
export function maskReason(value: string): string {
  return MASKERS.freeText(value, { pseudonymKey: '' }) as string;
}

// Text jsonb cannot hold (NUL, an unpaired surrogate): a refused mutation's event must still be written.
const UNENCODABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const encodable = (s: string) => s.replace(UNENCODABLE, '\ufffd');

export function maskArgument(key: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => maskArgument(key, v));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [encodable(k), maskArgument(k, v)]));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (key === 'reason') return encodable(maskReason(String(value)));
  return KEPT.test(key) ? encodable(String(value)) : MASKERS.redact(value, { pseudonymKey: '' });
}

export function mutationDetail(operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): Record<string, unknown> {
  const mutations = operation.selectionSet.selections.flatMap((s) => {
    if (s.kind !== Kind.FIELD) return [];
    const args = Object.fromEntries((s.arguments ?? []).map((a) => [a.name.value, maskArgument(a.name.value, valueFromASTUntyped(a.value, variables))]));
    return [{ name: s.name.value, arguments: args }];
  });
  return { mutations };
}
