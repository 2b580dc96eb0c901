/**
 * What the policy engine knows of the API: every object type, its fields and their `@pii`
 * category, and the mutations. Built from the GraphQL schema by `src/schema/catalog.ts`, so the
 * engine itself never imports the server.
 */
export const PII_CATEGORIES = [
  'NAME',
  'EMAIL',
  'PHONE',
  'ADDRESS',
  'BIRTH_DATE',
  'PURCHASE',
  'FREE_TEXT',
  'IDENTIFIER',
] as const;
export type PiiCategory = (typeof PII_CATEGORIES)[number];

/** The directive that marks a field personal in the schema: `@pii(category: …)`. */
export const PII_DIRECTIVE = 'pii';

export interface FieldInfo {
  readonly name: string;
  /** `null` for a field without `@pii`. */
  readonly pii: PiiCategory | null;
}

export interface TypeInfo {
  readonly name: string;
  readonly fields: Readonly<Record<string, FieldInfo>>;
}

export interface SchemaCatalog {
  readonly types: Readonly<Record<string, TypeInfo>>;
  readonly mutations: readonly string[];
}

export function piiFields(catalog: SchemaCatalog): Array<{ type: string; field: string; pii: PiiCategory }> {
  const out: Array<{ type: string; field: string; pii: PiiCategory }> = [];
  for (const t of Object.values(catalog.types)) {
    for (const f of Object.values(t.fields)) if (f.pii) out.push({ type: t.name, field: f.name, pii: f.pii });
  }
  return out;
}
