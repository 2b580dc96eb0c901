/**
 * The JSON Schema of a `*.policy.yaml` file: the shape only. Names (types, fields, roles, maskers,
 * purposes) are checked afterwards against the catalog, where a typo can get a suggestion.
 */
import { ISO_PERIOD_PATTERN } from './lifecycle-policy.js';

export const DEPARTMENTS = ['IT', 'legal', 'CX field team', 'marketing', 'analytics', 'audit'] as const;

const id = { type: 'string', pattern: '^[a-z][a-z0-9_]*$' };
const stringList = { type: 'array', items: { type: 'string' }, minItems: 1 };

const rule = {
  type: 'object',
  additionalProperties: false,
  required: ['on', 'fields'],
  properties: {
    on: { oneOf: [{ type: 'string' }, stringList] },
    actions: stringList,
    fields: { oneOf: [{ const: '*' }, { type: 'array', items: { type: 'string' } }] },
    decision: { enum: ['PLAIN', 'MASKED'] },
    masker: { type: 'string' },
    when: { type: 'object' },
    purposes: stringList,
  },
};

const role = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'department', 'rules'],
  properties: {
    description: { type: 'string', minLength: 1 },
    department: { enum: DEPARTMENTS },
    inherits: { type: 'array', items: { type: 'string' } },
    readOnly: { type: 'boolean' },
    defaultPurpose: { type: 'string', minLength: 1 },
    // Granting it needs a second admin's approval (src/auth/grant-request.ts).
    privileged: { type: 'boolean' },
    // Aggregates (feedbackStats, customerStats) suppress groups smaller than this (src/policies/aggregates).
    minGroupSize: { type: 'integer', minimum: 1, maximum: 1000 },
    // Requests may only name published trusted documents by hash (src/policies/documents.ts).
    documents: {
      type: 'object',
      additionalProperties: false,
      required: ['trustedOnly'],
      properties: {
        trustedOnly: { type: 'boolean' },
        clients: { type: 'array', items: id, minItems: 1 },
        credentials: { type: 'array', items: { enum: ['apiKey', 'token'] }, minItems: 1 },
      },
    },
    rules: { type: 'array', items: rule },
  },
};

const purpose = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'legalBasis'],
  properties: {
    description: {
      type: 'object',
      additionalProperties: false,
      required: ['ja', 'en'],
      properties: { ja: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
    },
    legalBasis: { type: 'string', minLength: 1 },
    requiresConsent: { type: 'boolean' },
  },
};

const maskerAlias = {
  type: 'object',
  additionalProperties: false,
  required: ['masker'],
  properties: {
    masker: { type: 'string' },
    description: { type: 'string' },
    options: { type: 'object' },
  },
};

const duration = { type: 'string', pattern: '^[1-9][0-9]*(s|m|h|d|y)$' };
const thresholdRule = {
  type: 'object', additionalProperties: false, required: ['threshold', 'window'],
  properties: { threshold: { type: 'integer', minimum: 1 }, window: duration },
};
const roleList = { type: 'array', items: { type: 'string' }, minItems: 1 };

const alerts = {
  type: 'object',
  additionalProperties: false,
  properties: {
    plain_customer_reads: thresholdRule,
    repeated_forbidden: thresholdRule,
    authentication_failures: thresholdRule,
    after_hours: {
      type: 'object', additionalProperties: false, required: ['hours', 'timeZone', 'roles'],
      properties: {
        hours: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$' },
        days: { type: 'array', items: { enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, minItems: 1 },
        timeZone: { type: 'string', minLength: 1 },
        roles: roleList,
      },
    },
    bi_new_address: { type: 'object', additionalProperties: false, required: ['roles'], properties: { roles: roleList } },
  },
};

/** One category of lifecycle.policy.yaml: how long to keep it, from which date, and what disposal does. */
const lifecycleRule = (after: string, action: string) => ({
  type: 'object', additionalProperties: false, required: ['keep'],
  properties: { keep: { type: 'string', pattern: ISO_PERIOD_PATTERN }, after: { enum: [after] }, action: { enum: [action] } },
});
const lifecycle = {
  type: 'object', additionalProperties: false, minProperties: 1,
  properties: {
    feedback: lifecycleRule('receivedAt', 'scrub'),
    purchases: lifecycleRule('orderedAt', 'anonymise'),
    contactDetails: lifecycleRule('lastActivityAt', 'shred'),
  },
};

const recipient = {
  type: 'object', additionalProperties: false, required: ['name', 'address', 'country', 'purpose', 'fields'],
  properties: {
    name: { type: 'string', minLength: 1 },
    address: { type: 'string', minLength: 1 },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
    purpose: { type: 'string', minLength: 1 },
    fields: { type: 'object', minProperties: 1, additionalProperties: { type: 'string', minLength: 1 } },
  },
};

export const policyFileSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    roles: { type: 'object', propertyNames: id, additionalProperties: role },
    purposes: { type: 'object', propertyNames: id, additionalProperties: purpose },
    maskers: { type: 'object', propertyNames: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' }, additionalProperties: maskerAlias },
    alerts,
    // Keys are actions (`query`), prefixes (`access.*`) or `default`; values periods (`180d`, `7y`).
    retention: { type: 'object', propertyNames: { type: 'string', pattern: '^([a-z][a-zA-Z0-9_.]*(\\.\\*)?|default)$' }, additionalProperties: duration },
    // How old the active key-encryption key may get before `koe keys status` asks for a rotation.
    rotation: {
      type: 'object', additionalProperties: false, required: ['maxAgeDays'],
      properties: { maxAgeDays: { type: 'integer', minimum: 1 } },
    },
    // Retention per data category (`koe lifecycle run`): unknown categories and actions are refused.
    lifecycle,
    // Third parties data is provided to (`koe provision export`); fields and maskers checked by name later.
    recipients: { type: 'object', propertyNames: id, additionalProperties: recipient },
    // Sets of roles no principal may hold together; role names checked later.
    separationOfDuties: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', additionalProperties: false, required: ['roles', 'reason'],
        properties: { roles: { type: 'array', items: { type: 'string' }, minItems: 2, uniqueItems: true }, reason: { type: 'string', minLength: 1 } },
      },
    },
    // How long a grant of a privileged role waits for a second admin.
    grantApproval: { type: 'object', additionalProperties: false, required: ['expiresAfter'], properties: { expiresAfter: duration } },
  },
} as const;
