/**
 * The SQL a request spends on data, without its audit appends (begin, chain lock, head, insert,
 * commit per subgraph) and the alert counters (updated after the response, so they may land in
 * any count). Statements arrive as MikroORM logs them: `[query] <sql> [took …]`.
 */
const AUDIT_STATEMENT = /pg_advisory_xact_lock|audit_event|audit_checkpoint|audit_alert_mark|^(\[query\] )?(begin|commit|rollback)\b/i;

export function dataQueries(queries: readonly string[]): string[] {
  return queries.filter((q) => !AUDIT_STATEMENT.test(q));
}
