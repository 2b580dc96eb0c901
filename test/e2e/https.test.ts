/**
 * Koe over HTTPS end to end: a certificate made for this run, the gateway and the subgraphs serving
 * it, the gateway calling the subgraphs over HTTPS, and clients that do or do not trust it.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, GraphQLClient } from 'graphql-request';
import { HSTS } from '../../src/server/tls-front.js';
import { startTestKoe, trustingFetch, type TestKoe } from '../support/koe.js';
import { certDir, type CertDir, type TestCert } from '../support/tls-cert.js';

let certs: CertDir;
let cert: TestCert;
let koe: TestKoe | undefined;
let trusting: typeof fetch;
beforeAll(async () => {
  certs = certDir();
  cert = certs.selfSigned('koe');
  trusting = trustingFetch(cert.cert);
  koe = await startTestKoe(undefined, { tls: { cert: cert.cert, key: cert.key } });
});
afterAll(async () => {
  await koe?.stop();
  certs?.remove();
});

const running = (): TestKoe => koe ?? expect.unreachable('platform not running');
const CUSTOMERS = gql`{ customers(first: 2) { edges { node { id email } } } }`;
type Customers = { customers: { edges: Array<{ node: { id: string; email: string | null } }> } };
const post = (f: typeof fetch, url: string, body: unknown, headers: Record<string, string> = {}) =>
  f(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('Koe over HTTPS', () => {
  it('serves the gateway and every subgraph at https:// URLs', () => {
    const { gatewayUrl, subgraphUrls } = running().platform;
    expect(gatewayUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    for (const url of Object.values(subgraphUrls)) expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });

  it('answers a client that trusts the certificate, through the gateway and its HTTPS calls to the subgraphs', async () => {
    const client = await running().client('p-admin');
    const data = await client.request<Customers>(CUSTOMERS);
    expect(data.customers.edges).toHaveLength(2);
    for (const { node } of data.customers.edges) expect(node.email).toMatch(/@/);
  });

  it('resolves a cross-subgraph query (gateway → feedback and customers subgraphs over HTTPS)', async () => {
    const client = await running().client('p-admin');
    const data = await client.request<{ feedbacks: { edges: Array<{ node: { customer: { name: string | null } | null } }> } }>(
      gql`{ feedbacks(first: 10) { edges { node { id customer { name } } } } }`,
    );
    expect(data.feedbacks.edges.some((e) => e.node.customer?.name)).toBe(true);
  });

  it('sends Strict-Transport-Security on every response, GraphQL and probes alike', async () => {
    const koe = running();
    const res = await post(trusting, koe.platform.gatewayUrl, { query: CUSTOMERS }, { authorization: `Bearer ${await koe.token('p-admin')}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBe(HSTS);
    expect(HSTS).toBe('max-age=31536000');
    // A refused request carries it too.
    const anonymous = await post(trusting, koe.platform.gatewayUrl, { query: CUSTOMERS });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('strict-transport-security')).toBe(HSTS);
    const health = await trusting(koe.platform.gatewayUrl.replace('/graphql', '/healthz'));
    expect(health.headers.get('strict-transport-security')).toBe(HSTS);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const koe = running();
    const untrusting = new GraphQLClient(koe.platform.gatewayUrl, { headers: { authorization: `Bearer ${await koe.token('p-admin')}` } });
    const failure = await untrusting.request(CUSTOMERS).then(
      () => null,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    );
    expect(failure).not.toBeNull();
    expect(failure?.cause?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });

  it('refuses plain HTTP on the HTTPS port with 400 and no data, at once rather than hanging', async () => {
    const koe = running();
    const plain = koe.platform.gatewayUrl.replace('https://', 'http://');
    const res = await post(fetch, plain, { query: CUSTOMERS }, { authorization: `Bearer ${await koe.token('p-admin')}` });
    expect(res.status).toBe(400);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const body = await res.text();
    expect(body).toContain('Koe serves HTTPS only on this port');
    expect(body).not.toContain('customers');
    expect(body).not.toContain('@');
  });

  it('refuses plain HTTP on a subgraph port too', async () => {
    const res = await fetch(running().platform.subgraphUrls.customers.replace('https://', 'http://'), { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('HTTPS only');
  });

  it('answers a trusting client that queries a subgraph directly', async () => {
    const koe = running();
    const client = await koe.client('p-admin', { url: koe.platform.subgraphUrls.customers });
    const data = await client.request<Customers>(CUSTOMERS);
    expect(data.customers.edges).toHaveLength(2);
  });

  // Guards against a TLS front that keeps idle keep-alive connections open until the grace period
  // (10 s) runs out, or never stops listening.
  it('stops promptly with an idle keep-alive HTTPS connection open, and then accepts no connection', async () => {
    const { gatewayUrl } = running().platform;
    const res = await trusting(gatewayUrl.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    await res.text();
    const t0 = performance.now();
    const stopping = running().stop();
    koe = undefined; // afterAll has nothing left to stop
    await stopping;
    const { port } = new URL(gatewayUrl);
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(Number(port), '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(true));
    });
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(refused).toBe(true);
  });
});
