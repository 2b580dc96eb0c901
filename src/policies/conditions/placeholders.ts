/**
 * Placeholders in condition values (`$principal.teamId`, `$request.purpose`) are checked at load
 * and replaced when an ability is built; one that has no value makes its comparison fail, never
 * match everything (a principal without a team must not see every team-less customer).
 */
import type { CmpNode, Conjunction, Scalar } from './cond-node.js';

const PRINCIPAL = /^\$principal\.([A-Za-z_][A-Za-z0-9_]*)$/;

export function isPlaceholderSyntax(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('$');
}

/** `null` when the placeholder is known, else why not and what to write instead. */
export function placeholderProblem(value: string): string | null {
  if (value === '$request.purpose' || PRINCIPAL.test(value)) return null;
  return `unknown placeholder "${value}" (use $principal.id, $principal.teamId, $principal.<attribute> or $request.purpose)`;
}

export interface PlaceholderValues {
  readonly id: string;
  readonly teamId: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly purpose: string | null;
}

/** The value of one placeholder, or `undefined` when it has none usable in a comparison. */
export function placeholderValue(placeholder: string, v: PlaceholderValues): Scalar | readonly Scalar[] | undefined {
  if (placeholder === '$request.purpose') return v.purpose ?? undefined;
  const m = PRINCIPAL.exec(placeholder);
  if (!m) return undefined;
  const name = m[1]!;
  const raw = name === 'id' ? v.id : name === 'teamId' ? v.teamId : Object.hasOwn(v.attributes, name) ? v.attributes[name] : undefined;
  if (raw === null || raw === undefined) return undefined;
  if (Array.isArray(raw)) return raw.every(isScalar) ? (raw as Scalar[]) : undefined;
  return isScalar(raw) ? raw : undefined;
}

function isScalar(x: unknown): x is Scalar {
  return x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
}

export type PlaceholderResolver = (placeholder: string) => Scalar | readonly Scalar[] | undefined;

/** Replaces placeholders in one branch; `null` when one has no value, so the branch is dropped. */
export function resolveConjunction(conj: Conjunction, resolve: PlaceholderResolver): Conjunction | null {
  let out: CmpNode[] | null = null;
  for (let i = 0; i < conj.length; i++) {
    const c = conj[i]!;
    const value = resolveCmpValue(c, resolve);
    if (value === undefined) return null;
    if (value !== c.value) {
      out ??= conj.slice(0, i);
      out.push({ ...c, value });
    } else if (out) out.push(c);
  }
  return out ?? conj;
}

function resolveCmpValue(c: CmpNode, resolve: PlaceholderResolver): CmpNode['value'] | undefined {
  const list = c.op === 'in' || c.op === 'nin';
  if (isPlaceholderSyntax(c.value)) {
    const v = resolve(c.value);
    // A list where a scalar is expected (or the reverse) cannot be compared: treat as no value.
    if (v === undefined || Array.isArray(v) !== list) return undefined;
    return v;
  }
  if (!Array.isArray(c.value)) return c.value;
  const values = c.value as readonly Scalar[];
  if (!values.some(isPlaceholderSyntax)) return values;
  const out: Scalar[] = [];
  for (const item of values) {
    if (!isPlaceholderSyntax(item)) { out.push(item); continue; }
    const v = resolve(item);
    // A missing member narrows an `in` list; it would widen a `nin` list, so that branch fails.
    if (v === undefined) {
      if (c.op === 'nin') return undefined;
      continue;
    }
    if (Array.isArray(v)) out.push(...(v as readonly Scalar[]));
    else out.push(v as Scalar);
  }
  return out.length > 0 || c.op === 'nin' ? out : undefined;
}
