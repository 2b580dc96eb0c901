/**
 * Prometheus metrics for one process. Label values come from a closed set (subgraph, outcome,
 * role, schema field) or the client's operation name, which is cut short so it cannot grow unbounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface KoeMetrics {
  registry: Registry;
  requests: Counter<'server' | 'operation' | 'outcome'>;
  duration: Histogram<'server' | 'outcome'>;
  decisions: Counter<'role' | 'field' | 'decision'>;
  poolUsed: Gauge<'state'>;
}

export function createMetrics(): KoeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'koe_' });
  return {
    registry,
    requests: new Counter({ name: 'koe_requests_total', help: 'GraphQL requests by server (gateway or subgraph), operation name and outcome', labelNames: ['server', 'operation', 'outcome'], registers: [registry] }),
    duration: new Histogram({
      name: 'koe_request_duration_seconds',
      help: 'Time from the request arriving to the response being written',
      labelNames: ['server', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    decisions: new Counter({ name: 'koe_field_decisions_total', help: 'Field decisions by role, field and decision (PLAIN, MASKED, DENIED)', labelNames: ['role', 'field', 'decision'], registers: [registry] }),
    poolUsed: new Gauge({ name: 'koe_db_pool_connections', help: 'Database pool connections by state (used, free, pending acquires)', labelNames: ['state'], registers: [registry] }),
  };
}

let shared: KoeMetrics | null = null;
/** One registry per process: every server of a platform reports into it. */
export function processMetrics(): KoeMetrics {
  return (shared ??= createMetrics());
}

export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return name.length > 64 ? name.slice(0, 64) : name;
}
