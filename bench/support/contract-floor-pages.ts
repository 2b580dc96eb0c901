/**
 * The contract floor's two pages, written by hand for the analyst (every personal field MASKED,
 * the free text through the PII detector): the customers page as the customers subgraph serves it,
 * and the dashboard in the gateway's two steps (the feedback page, then its customers). Each
 * selects only the columns the answer needs and the row condition as plain SQL on indexed columns.
 */
import { NIL_OWNER } from '../../src/data/encryption/index.js';
import type { MaskerName } from '../../src/policies/maskers/index.js';
import type { FloorTools } from './contract-floor.js';

export interface FloorAnswer {
  data: unknown;
  /** `Type:<id>` of every row read, look-ahead row included (as Koe names them). */
  resources: string[];
  fields: Array<{ field: string; decision: string; count: number }>;
}

export interface FloorPage {
  /** The roles whose decisions the page hard-codes; anyone else is refused. */
  readonly roles: readonly string[];
  /** The subgraph its audit event names; null for the dashboard's one event at the edge. */
  readonly subgraph: string | null;
  run(t: FloorTools): Promise<FloorAnswer>;
}

const PAGE = 100;

/** The use-restriction row condition on a customer id column; `$1` holds the binding purposes. */
function unrestricted(t: FloorTools, customerId: string): string {
  return t.restricted.length === 0 ? 'true' : `not exists (select 1 from use_restriction r where r.customer_id = ${customerId} and r.purpose = any($1::text[]))`;
}

function keyOf(keys: Map<string, Buffer>, owner: string): Buffer {
  const key = keys.get(owner);
  if (!key) throw new Error(`no data key for ${owner} (erased?)`);
  return key;
}

type Counts = Map<string, number>;

function masked(t: FloorTools, counts: Counts, field: string, masker: MaskerName, value: string | null): unknown {
  counts.set(field, (counts.get(field) ?? 0) + 1);
  return t.mask(masker, value);
}

function fieldsOf(counts: Counts): FloorAnswer['fields'] {
  return [...counts].map(([field, count]) => ({ field, decision: 'MASKED', count }));
}

interface CustomerRow {
  id: string;
  customer_key: string;
  name: string | null;
  name_kana: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  birth_date: string | null;
  prefecture: string | null;
}

/** `customers(first: 100)`, created_at ascending (the default order), nine fields. */
export const customersPage: FloorPage = {
  roles: ['analyst'],
  subgraph: 'customers',
  async run(t) {
    const sql = `select e0.id, e0.customer_key, e0.name, e0.name_kana, e0.email, e0.phone, e0.address, e0.birth_date, e0.prefecture
      from customer e0 where ${unrestricted(t, 'e0.id')}
      order by e0.created_at asc nulls last, e0.id asc limit ${PAGE + 1}`;
    const { rows } = await t.pool.query<CustomerRow>(sql, t.restricted.length ? [t.restricted] : []);
    const shown = rows.slice(0, PAGE);
    const keys = await t.keys(shown.map((r) => r.id));
    const counts: Counts = new Map();
    const edges = shown.map((r) => {
      const key = keyOf(keys, r.id);
      const open = (column: string, stored: string | null) => t.open(key, 'customer', column, r.id, stored);
      return {
        node: {
          id: r.id,
          customerKey: r.customer_key,
          name: masked(t, counts, 'Customer.name', 'name', open('name', r.name)),
          nameKana: masked(t, counts, 'Customer.nameKana', 'name', open('name_kana', r.name_kana)),
          email: masked(t, counts, 'Customer.email', 'email', open('email', r.email)),
          phone: masked(t, counts, 'Customer.phone', 'phone', open('phone', r.phone)),
          address: masked(t, counts, 'Customer.address', 'prefecture', open('address', r.address)),
          birthDate: masked(t, counts, 'Customer.birthDate', 'year', open('birth_date', r.birth_date)),
          prefecture: r.prefecture,
        },
      };
    });
    return { data: { customers: { edges } }, resources: rows.map((r) => `Customer:${r.id}`), fields: fieldsOf(counts) };
  },
};

interface FeedbackRow {
  id: string;
  channel: string;
  body: string | null;
  received_at: Date;
  customer_id: string | null;
}

type DashboardCustomer = Pick<CustomerRow, 'id' | 'name' | 'email' | 'phone' | 'address'>;

/** `feedbacks(first: 100)` newest first with channel, body, receivedAt, then each one's customer. */
export const dashboardPage: FloorPage = {
  roles: ['analyst'],
  subgraph: null,
  async run(t) {
    const params = t.restricted.length ? [t.restricted] : [];
    const feedbackSql = `select f.id, f.channel, f.body, f.received_at, f.customer_id from feedback f
      where f.customer_id is null or ${unrestricted(t, 'f.customer_id')}
      order by f.received_at desc nulls last, f.id desc limit ${PAGE + 1}`;
    const feedback = (await t.pool.query<FeedbackRow>(feedbackSql, params)).rows;
    const shown = feedback.slice(0, PAGE);
    const customerIds = [...new Set(shown.flatMap((f) => (f.customer_id ? [f.customer_id] : [])))];
    const customerSql = `select c.id, c.name, c.email, c.phone, c.address from customer c
      where c.id = any($${params.length + 1}::uuid[]) and ${unrestricted(t, 'c.id')}`;
    const customers = (await t.pool.query<DashboardCustomer>(customerSql, [...params, customerIds])).rows;
    const keys = await t.keys([...new Set([...customerIds, ...shown.map((f) => f.customer_id ?? NIL_OWNER)])]);
    const counts: Counts = new Map();
    const byId = new Map<string, object>();
    for (const c of customers) {
      const key = keyOf(keys, c.id);
      const open = (column: string, stored: string | null) => t.open(key, 'customer', column, c.id, stored);
      byId.set(c.id, {
        id: c.id,
        name: masked(t, counts, 'Customer.name', 'name', open('name', c.name)),
        email: masked(t, counts, 'Customer.email', 'email', open('email', c.email)),
        phone: masked(t, counts, 'Customer.phone', 'phone', open('phone', c.phone)),
        address: masked(t, counts, 'Customer.address', 'prefecture', open('address', c.address)),
      });
    }
    const edges = shown.map((f) => {
      const body = t.open(keyOf(keys, f.customer_id ?? NIL_OWNER), 'feedback', 'body', f.id, f.body);
      return {
        node: {
          id: f.id,
          channel: f.channel,
          body: masked(t, counts, 'Feedback.body', 'freeText', body),
          receivedAt: f.received_at.toISOString(),
          customer: f.customer_id ? (byId.get(f.customer_id) ?? null) : null,
        },
      };
    });
    const resources = [...feedback.map((f) => `Feedback:${f.id}`), ...customers.map((c) => `Customer:${c.id}`)];
    return { data: { feedbacks: { edges } }, resources, fields: fieldsOf(counts) };
  },
};
