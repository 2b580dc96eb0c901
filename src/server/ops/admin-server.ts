/**
 * The admin port: Prometheus `/metrics`, `/healthz` and `/readyz` with each failed check's detail
 * (the driver's message, addresses included), kept off the client-facing ports.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { KoeMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface RunningAdmin {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_ADMIN_PORT = 9464;

export async function startAdminServer(
  metrics: KoeMetrics,
  orm: MikroORM,
  host: string,
  port: number,
  readiness?: () => Promise<Readiness>,
  /** The `/metrics` body, when it is gathered from more than this process (`koe start` with separate server processes). */
  scrape?: () => Promise<string>,
): Promise<RunningAdmin> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') return void res.end('ok');
    if (path === '/readyz' && readiness) {
      return void readiness().then((r) => {
        res.statusCode = r.ready ? 200 : 503;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ status: r.ready ? 'ready' : 'not ready', checks: r.checks }));
      });
    }
    if (path !== '/metrics') return void ((res.statusCode = 404), res.end('not found; try /metrics'));
    samplePool(metrics, orm);
    (scrape ? scrape() : metrics.registry.metrics()).then(
      (body) => (res.setHeader('content-type', metrics.registry.contentType), res.end(body)),
      () => ((res.statusCode = 500), res.end('metrics unavailable')),
    );
  });
  await new Promise<void>((resolve, reject) => (server.once('error', reject), server.listen(port, host, () => resolve())));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** The pool gauges sampled now (each process samples its own before it is scraped). */
export function samplePool(metrics: KoeMetrics, orm: MikroORM): void {
  const pool = (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
  if (!pool) return;
  metrics.poolUsed.set({ state: 'used' }, pool.numUsed());
  metrics.poolUsed.set({ state: 'free' }, pool.numFree());
  metrics.poolUsed.set({ state: 'pending' }, pool.numPendingAcquires());
}
