/** Checks a parsed file against a JSON Schema with ajv and reports each error at its YAML position. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Problem } from '../errors.js';
import { locate, type ParsedFile } from './yaml-source.js';

// Unoptimized code compiles in half the time (~80 ms of every policy command); a policy file validates in microseconds either way.
const ajv = new Ajv({ allErrors: true, strict: false, code: { optimize: false } });
const compiled = new WeakMap<object, ValidateFunction>();

export function schemaProblems(file: ParsedFile, schema: object): Problem[] {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  if (validate(file.data ?? null)) return [];
  return dropNoise(validate.errors ?? []).map((e) => {
    const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const key = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : e.propertyName;
    const where = key !== undefined ? [...path, key] : path;
    return { loc: locate(file, where, key !== undefined ? 'key' : 'value'), message: describe(e, where) };
  });
}

/** `oneOf` and `propertyNames` report each inner failure and then themselves; one message is enough. */
function dropNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const outer = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => e.keyword !== 'propertyNames' && !outer.some((p) => e.schemaPath.startsWith(p)));
}

const TYPE_WORDS: Readonly<Record<string, string>> = { object: 'a mapping (key: value)', array: 'a list', string: 'text', boolean: 'true or false', integer: 'a whole number' };

const ONE_OF_HINTS: Readonly<Record<string, string>> = {
  fields: "write '*' or a list of field names",
  on: 'write a type name or a list of them',
  role: 'write a role name or a list of them',
  cases: 'a case has name, role and expect, and either type + field (with action: update for writes) or mutation',
};

const PATTERN_HINTS: Readonly<Record<string, string>> = {
  alerts: 'a window is a number and a unit (30s, 10m, 1h, 1d); hours are HH:MM-HH:MM',
  retention: 'a period is a number and a unit (90d, 1y); keys are actions, prefixes like access.* or default',
  lifecycle: 'keep is an ISO-8601 period of years, months, weeks or days (P3Y, P18M, P1Y6M, P90D)',
  recipients: 'a country is an ISO 3166-1 alpha-2 code in capitals (JP, SG, US)',
  grantApproval: 'expiresAfter is a number and a unit (72h, 3d)',
};

function describe(e: ErrorObject, path: readonly string[]): string {
  const at = path.length ? `"${path.join('.')}"` : 'the file';
  if (e.propertyName !== undefined) return `invalid name ${at}: use lower_snake_case letters, digits and _`;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unexpected key ${at}: remove it or check its spelling`;
    case 'required':
      return `${at} needs "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'pattern':
      return `${at} is not valid: ${PATTERN_HINTS[String(path[0])] ?? 'see policies/README.md'}`;
    case 'enum':
      return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'oneOf':
      return `${at} has the wrong shape (${ONE_OF_HINTS[String(path.at(-1))] ?? ONE_OF_HINTS[String(path[0])] ?? 'see policies/README.md'})`;
    case 'type': {
      const type = String((e.params as { type: string }).type);
      return `${at} must be ${TYPE_WORDS[type] ?? type}`;
    }
    case 'minimum':
      return `${at} must be at least ${(e.params as { limit: number }).limit}`;
    case 'minProperties':
      if (path[0] === 'recipients') return `${at} is empty: list the fields the recipient receives (Type.field: PLAIN or a masker)`;
      if (path[0] === 'lifecycle') return `${at} is empty: give it feedback:, purchases: or contactDetails: (or remove it: nothing is ever due)`;
      return `${at} is empty: give it roles:, purposes:, maskers:, alerts:, retention: or rotation:`;
    default:
      return `${at} ${e.message ?? 'is invalid'}`;
  }
}
