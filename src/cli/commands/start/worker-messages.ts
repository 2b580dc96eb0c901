/** What `koe start` and its server processes (node:cluster workers) tell each other over IPC. */
import type { Registry } from 'prom-client';
import type { ProcessRole } from './server-plan.js';

export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** Worker → primary. */
export type WorkerMessage =
  | { koe: 'ready'; server: ProcessRole; url: string; policyVersion: string }
  | { koe: 'failed'; server: ProcessRole; error: string }
  | { koe: 'metrics'; id: number; metrics: MetricsJson };

/** Primary → worker. */
export type PrimaryMessage = { koe: 'stop' } | { koe: 'metrics'; id: number };

export function isKoeMessage<M extends { koe: string }>(m: unknown): m is M {
  return typeof m === 'object' && m !== null && typeof (m as { koe?: unknown }).koe === 'string';
}
