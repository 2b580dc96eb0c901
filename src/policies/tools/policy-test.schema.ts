/** The JSON Schema of a `*.test.yaml` file beside the policies: a list of cases that read as sentences. */

const principal = {
  type: 'object',
  properties: { id: { type: 'string' }, teamId: { type: ['string', 'null'] } },
};

const common = {
  name: { type: 'string', minLength: 1 },
  role: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  principal,
  purpose: { type: ['string', 'null'] },
};

const fieldCase = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role', 'type', 'field', 'expect'],
  properties: {
    ...common,
    type: { type: 'string' },
    record: { type: 'object' },
    field: { type: 'string' },
    action: { const: 'read' },
    expect: { enum: ['PLAIN', 'MASKED', 'DENIED'] },
    masker: { type: 'string' },
  },
};

const updateCase = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role', 'type', 'field', 'action', 'expect'],
  properties: {
    ...common,
    type: { type: 'string' },
    record: { type: 'object' },
    field: { type: 'string' },
    action: { const: 'update' },
    expect: { enum: ['ALLOWED', 'DENIED'] },
  },
};

const mutationCase = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role', 'mutation', 'expect'],
  properties: { ...common, mutation: { type: 'string' }, expect: { enum: ['ALLOWED', 'DENIED'] } },
};

/** Whether a request may send operation text, or a document published for `client` (docs/trusted-documents.md). */
const documentCase = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role', 'credential', 'document', 'expect'],
  properties: {
    ...common,
    credential: { enum: ['apiKey', 'token'] },
    document: {
      oneOf: [
        { const: 'text' },
        { type: 'object', additionalProperties: false, required: ['client'], properties: { client: { type: 'string', minLength: 1 } } },
      ],
    },
    expect: { enum: ['ALLOWED', 'DENIED'] },
  },
};

export const policyTestFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['cases'],
  properties: {
    cases: { type: 'array', minItems: 1, items: { oneOf: [fieldCase, updateCase, mutationCase, documentCase] } },
  },
} as const;
