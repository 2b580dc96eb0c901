/**
 * The SQL a request spends on data, without its audit appends (begin, chain lock, head, insert,
 * commit per subgraph). Statements arrive as MikroORM logs them: `[query] <sql> [took …]`.
 */
const AUDIT_STATEMENT = /pg_advisory_xact_lock|audit_event|audit_checkpoint|^(\[query\] )?(begin|commit|rollback)\b/i;

export function dataQueries(queries: readonly string[]): string[] {
  return queries.filter((q) => !AUDIT_STATEMENT.test(q));
}
