/**
 * Bounded load through the gateway: a few concurrent clients (loopback only) mixing reads and the
 * mutations submitFeedback, upsertCustomer and recordConsent, for a fixed time and at most a fixed
 * number of requests. Every request carries its own `x-request-id`, which every audit event of the
 * request records; each mutation also leaves that id in a plain column of the row it writes
 * (feedback tag, customer segment, consent source), so the ledger can pair rows with events.
 */

export type Op = 'read' | 'submitFeedback' | 'upsertCustomer' | 'recordConsent';

export interface Outcome {
  requestId: string;
  op: Op;
  /** the operation's root field */
  root: string;
  /** HTTP status; 0 when no response came (connection refused or reset, client timeout) */
  status: number;
  /** the root field came back non-null */
  withData: boolean;
  /** first error code, if any */
  code: string | null;
  /** start of the request, ms since the epoch */
  at: number;
}

export interface Target {
  /** the gateway URL: changes when Koe itself is restarted */
  url: string;
  token: string;
}

const READS = ['{ customers(first: 5) { edges { node { id segment } } } }', '{ feedbacks(first: 5) { edges { node { id channel } } } }'];
const CLIENT_TIMEOUT_MS = 15_000;

let counter = 0;

async function send(target: Target, requestId: string, query: string, variables: Record<string, unknown>, root: string, op: Op): Promise<Outcome & { data?: Record<string, unknown> }> {
  const at = Date.now();
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => ({}))) as { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string } }> };
    const value = body.data?.[root];
    return {
      requestId,
      op,
      root,
      status: res.status,
      withData: value !== undefined && value !== null,
      code: body.errors?.[0]?.extensions?.code ?? null,
      at,
      ...(body.data ? { data: body.data } : {}),
    };
  } catch {
    return { requestId, op, root, status: 0, withData: false, code: null, at };
  }
}

/** One client's next step: a read, a feedback, or a new customer followed by a consent to it. */
async function step(target: Target, prefix: string, out: Outcome[]): Promise<void> {
  const id = () => `${prefix}-${++counter}`;
  const dice = Math.random();
  if (dice < 0.5) {
    out.push(await send(target, id(), READS[counter % 2]!, {}, counter % 2 ? 'feedbacks' : 'customers', 'read'));
  } else if (dice < 0.7) {
    const rid = id();
    const q = 'mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { id } }';
    out.push(await send(target, rid, q, { input: { channel: 'WEB', body: 'chaos run feedback', tags: [rid] } }, 'submitFeedback', 'submitFeedback'));
  } else {
    const rid = id();
    const q = 'mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }';
    const made = await send(target, rid, q, { input: { name: 'Chaos Test', email: `${rid}@chaos.example`, segment: rid } }, 'upsertCustomer', 'upsertCustomer');
    out.push(made);
    const customerId = (made.data?.upsertCustomer as { id?: string } | undefined)?.id;
    if (!customerId) return;
    const cid = id();
    const c = 'mutation($customerId: ID!, $source: String!) { recordConsent(customerId: $customerId, purpose: "marketing", source: $source) { grantedAt } }';
    out.push(await send(target, cid, c, { customerId, source: cid }, 'recordConsent', 'recordConsent'));
  }
}

/** Runs `clients` loops until `until()` says stop or `maxRequests` were sent; resolves with every outcome. */
export async function runLoad(target: Target, opts: { prefix: string; clients: number; maxRequests: number; until: () => boolean }): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const loop = async () => {
    while (!opts.until() && out.length < opts.maxRequests) {
      await step(target, opts.prefix, out);
      // A refused connection answers at once: do not spin on it.
      if (out.at(-1)?.status === 0) await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, loop));
  return out;
}

/** Until the gateway answers a read of both subgraphs' tables with data: ms waited (or -1 after `limitMs`). */
export async function timeToRecover(target: () => Target, limitMs: number): Promise<number> {
  const t0 = Date.now();
  const q = '{ feedbacks(first: 1) { edges { node { id } } } }';
  while (Date.now() - t0 < limitMs) {
    const r = await send(target(), `probe-${++counter}`, q, {}, 'feedbacks', 'read');
    if (r.status === 200 && r.withData && r.code === null) return Date.now() - t0;
    await new Promise((res) => setTimeout(res, 100));
  }
  return -1;
}
