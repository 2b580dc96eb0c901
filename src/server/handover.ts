/**
 * A subgraph's answer to the gateway of its own process (src/server/local-call.ts), handed over as
 * the object Apollo built instead of JSON text the gateway parses straight back: serializing and
 * parsing the two subgraph answers of a dashboard request cost about 3 % of its CPU. Only an answer
 * with data and no errors is handed over, and only once every plugin had its say on it (the
 * identity check at stringify time: an audit failure that replaced the body sends text as ever).
 * Its extensions (the audit handoff) still make the JSON round trip, so the gateway never shares an
 * object the subgraph's audit code holds; the data the subgraph no longer reads once it answered.
 * The gateway's answer is byte for byte the same: it serializes what it would have parsed.
 */
import type { FormattedExecutionResult } from 'graphql';

/** One in-process call's slot: `result` is set when the answer was handed over rather than serialized. */
export interface Handover {
  result?: HandedResult;
}

/** What `JSON.parse` of the answer's text would have given (data and extensions; no errors). */
export interface HandedResult {
  data: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

const waiting = new WeakMap<object, Handover>();

/** At willSendResponse: this data, should it still be the answer's when serialized, goes to `slot`. */
export function handOverOnStringify(slot: Handover, result: FormattedExecutionResult): void {
  if (result.data && !result.errors) waiting.set(result.data, slot);
}

/** Apollo's `stringifyResult` for a server answering in-process calls: '' for a handed-over answer. */
export function stringifyOrHandOver(value: FormattedExecutionResult): string {
  const slot = value.data ? waiting.get(value.data) : undefined;
  if (!slot || value.errors !== undefined) return `${JSON.stringify(value)}\n`;
  waiting.delete(value.data!);
  slot.result = { data: value.data!, ...(value.extensions === undefined ? {} : { extensions: JSON.parse(JSON.stringify(value.extensions)) as Record<string, unknown> }) };
  return '';
}
