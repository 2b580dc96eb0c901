/**
 * The records one request read, by entity class name: every read path adds the rows it returned,
 * so the audit event names each record a request touched, including those read without selecting
 * `id` and those a failed mutation field loaded before it rolled back. One per request, on its
 * context (`ctx.touched`).
 */
export class TouchedRows {
  private readonly reads: Array<{ entity: string; rows: ReadonlyArray<{ id: string }> }> = [];

  add(entity: string, rows: ReadonlyArray<{ id: string }>): void {
    this.reads.push({ entity, rows });
  }

  *[Symbol.iterator](): Generator<{ entity: string; id: string }> {
    for (const { entity, rows } of this.reads) for (const row of rows) yield { entity, id: row.id };
  }

  /** Each read's entity and rows, without an object per row (the audit event names hundreds per request). */
  eachRead(fn: (entity: string, rows: ReadonlyArray<{ id: string }>) => void): void {
    for (const { entity, rows } of this.reads) fn(entity, rows);
  }
}
