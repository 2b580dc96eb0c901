/** Looks a field up by own keys only, so names like `constructor` or `__proto__` are simply unknown. */
import type { FieldInfo, SchemaCatalog } from './catalog.js';

export function catalogField(catalog: SchemaCatalog, type: string, field: string): FieldInfo | null {
  const t = Object.hasOwn(catalog.types, type) ? catalog.types[type] : undefined;
  return (t && Object.hasOwn(t.fields, field) ? t.fields[field] : undefined) ?? null;
}
