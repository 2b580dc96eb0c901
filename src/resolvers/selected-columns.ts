/**
 * The entity properties a read must select for one operation: those behind the GraphQL fields it
 * selects on the type (aliases, fragments and inline fragments included), those the caller's rules
 * test per record (a support agent's PLAIN e-mail depends on `teamId`, selected or not), the
 * primary key and whatever the read itself needs (sort key, search columns). A field this module
 * does not know, or a selection it cannot read, selects every column: a missing column would read
 * as a null where the record has a value, never as an error.
 *
 * Walked once per document (its field nodes are cached by the server with the parsed document) and
 * per ability (the tested attributes are one cached array per policy and roles), never per row.
 */
import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { VIRTUAL_ATTRIBUTES } from '../policies/index.js';
import type { KoeContext } from '../request/context.js';

export type SelectingType = 'Customer' | 'Feedback' | 'Consent' | 'Purchase' | 'AuditEvent';

/**
 * The properties each GraphQL field reads from its record (encrypted fields their ciphertext, the
 * owner's key comes by `id` or `customer`); `[]`: nothing beyond the key. A field left out here
 * (a new one, until it is added) makes the read select every column.
 */
const FIELD_PROPERTIES: Readonly<Record<SelectingType, Readonly<Record<string, readonly string[]>>>> = {
  Customer: {
    id: [],
    customerKey: ['customerKey'],
    name: ['name'],
    nameKana: ['nameKana'],
    email: ['email'],
    phone: ['phone'],
    address: ['address'],
    prefecture: ['prefecture'],
    birthDate: ['birthDate'],
    teamId: ['teamId'],
    segment: ['segment'],
    // Loaded by the customer's id.
    consents: [],
    purchases: [],
    createdAt: ['createdAt'],
    lastActivityAt: ['lastActivityAt'],
  },
  Feedback: {
    id: [],
    customer: ['customer'],
    channel: ['channel'],
    receivedAt: ['receivedAt'],
    subject: ['subject'],
    body: ['body'],
    rating: ['rating'],
    sentiment: ['sentiment'],
    tags: ['tags'],
    piiFlags: ['piiFlags'],
    status: ['status'],
    teamId: ['teamId'],
    note: ['note'],
  },
  Consent: {
    purpose: ['purpose'],
    grantedAt: ['grantedAt'],
    withdrawnAt: ['withdrawnAt'],
    source: ['source'],
  },
  Purchase: {
    id: [],
    orderedAt: ['orderedAt'],
    productName: ['productName'],
    category: ['category'],
    amount: ['amount'],
    store: ['store'],
  },
  // `detail` (masked arguments, the exposure map) and `resources` are most of an event's bytes:
  // a list that does not ask for them does not read them. `claimedActorId` is a formula on `detail`.
  AuditEvent: {
    id: [],
    seq: [],
    at: ['at'],
    actorId: ['actorId'],
    claimedActorId: ['claimedActorId'],
    roles: ['roles'],
    action: ['action'],
    outcome: ['outcome'],
    operationName: ['operationName'],
    operationHash: ['operationHash'],
    purpose: ['purpose'],
    subgraph: ['subgraph'],
    resources: ['resources'],
    fields: ['fields'],
    policyVersion: ['policyVersion'],
    requestId: ['requestId'],
    prevHash: ['prevHash'],
    hash: ['hash'],
  },
};

/**
 * Read by every row whatever is selected: the key (audit, decisions, decryption of a customer's
 * fields); for feedback and purchases the customer whose key seals them (decryption), and for
 * them and consents the customer their loader groups them by; an audit event's `seq` (the cursor).
 */
const ALWAYS: Readonly<Record<SelectingType, readonly string[]>> = {
  Customer: ['id'],
  Feedback: ['id', 'customer'],
  Consent: ['id', 'customer'],
  Purchase: ['id', 'customer'],
  AuditEvent: ['id', 'seq'],
};

/** Per field node: the fields selected on each type under it; null: cannot say (select everything). */
const selections = new WeakMap<FieldNode, Map<string, ReadonlySet<string> | null>>();
/** Per field node, then per tested-attributes array (one per policy, roles and type): the properties. */
const plans = new WeakMap<FieldNode, Map<string, WeakMap<readonly string[], readonly string[] | null>>>();

/**
 * The properties a read of `type` for the field `info` resolves must select, or null for every
 * column. `extra`: what the read itself uses (a sort key, the searched columns).
 */
export function selectedProperties(ctx: Pick<KoeContext, 'access' | 'allColumns'>, info: GraphQLResolveInfo | undefined, type: SelectingType, extra: readonly string[] = []): readonly string[] | null {
  const node = info?.fieldNodes?.[0];
  if (ctx.allColumns || !info || !node) return null;
  const tested = ctx.access.attributesTested(type);
  const key = `${type}|${extra.join(',')}`;
  let byKey = plans.get(node);
  if (!byKey) plans.set(node, (byKey = new Map()));
  let byTested = byKey.get(key);
  if (!byTested) byKey.set(key, (byTested = new WeakMap()));
  let plan = byTested.get(tested);
  if (plan === undefined) byTested.set(tested, (plan = propertiesOf(type, fieldsSelected(info, node, type), tested, extra)));
  return plan;
}

/** The union of several reads' properties (one DataLoader batch); null if any of them needs every column. */
export function unionOf(sets: ReadonlyArray<readonly string[] | null>): readonly string[] | null {
  const out = new Set<string>();
  for (const set of sets) {
    if (set === null) return null;
    for (const p of set) out.add(p);
  }
  return [...out];
}

function propertiesOf(type: SelectingType, fields: ReadonlySet<string> | null, tested: readonly string[], extra: readonly string[]): readonly string[] | null {
  if (fields === null) return null;
  const map = FIELD_PROPERTIES[type];
  const out = new Set<string>([...ALWAYS[type], ...extra]);
  for (const field of fields) {
    const props = Object.hasOwn(map, field) ? map[field] : undefined;
    if (!props) return null;
    for (const p of props) out.add(p);
  }
  for (const attribute of tested) {
    // A virtual attribute is a formula property of the same name (a subquery per row).
    if (Object.hasOwn(VIRTUAL_ATTRIBUTES[type] ?? {}, attribute)) {
      out.add(attribute);
      continue;
    }
    const props = Object.hasOwn(map, attribute) ? map[attribute] : undefined;
    if (!props) return null;
    for (const p of props) out.add(p);
  }
  return [...out];
}

function fieldsSelected(info: GraphQLResolveInfo, node: FieldNode, type: SelectingType): ReadonlySet<string> | null {
  let byType = selections.get(node);
  if (!byType) selections.set(node, (byType = new Map()));
  if (byType.has(type)) return byType.get(type)!;
  const out = new Set<string>();
  let ok = true;
  for (const fieldNode of info.fieldNodes) {
    if (!fieldNode.selectionSet) continue;
    ok &&= walk(info, fieldNode.selectionSet, getNamedType(info.returnType), type, out, new Set());
  }
  const fields = ok ? out : null;
  byType.set(type, fields);
  return fields;
}

/**
 * Adds to `out` the fields selected on `target` in this selection set of a `parent` value, looking
 * through wrappers (a connection's edges and nodes, `_entities`' union). `@skip`/`@include` are
 * ignored: a field that might be selected is read. False when the selection cannot be read.
 */
function walk(info: GraphQLResolveInfo, set: SelectionSetNode, parent: GraphQLNamedType, target: string, out: Set<string>, fragments: Set<string>): boolean {
  const atTarget = parent.name === target || (isAbstractType(parent) && info.schema.getPossibleTypes(parent).some((t) => t.name === target));
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name === '__typename') continue;
      if (atTarget) {
        out.add(name);
        continue;
      }
      if (!selection.selectionSet) continue;
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
      if (!field) return false;
      if (!walk(info, selection.selectionSet, getNamedType(field.type), target, out, fragments)) return false;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? info.schema.getType(selection.typeCondition.name.value) : parent;
      if (!on) return false;
      if (!walk(info, selection.selectionSet, on, target, out, fragments)) return false;
    } else {
      const name = selection.name.value;
      // A fragment spread twice on one level adds nothing new (and a cycle is a validation error).
      if (fragments.has(name)) continue;
      const fragment = info.fragments?.[name];
      const on = fragment ? info.schema.getType(fragment.typeCondition.name.value) : undefined;
      if (!fragment || !on) return false;
      if (!walk(info, fragment.selectionSet, on, target, out, new Set([...fragments, name]))) return false;
    }
  }
  return true;
}
