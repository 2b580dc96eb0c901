/**
 * What every server of one platform shares for operations: resolved limits, the logger, the
 * process's metrics and the rate-limit counters. Built once by the platform, defaulted otherwise.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { KoeConfig } from '../../config/index.js';
import { RateLimitStore } from '../limits/rate-limit.store.js';
import { resolveLimits, type LimitSettings } from '../limits/settings.js';
import { createLogger, type Logger } from './logger.js';
import { processMetrics, type KoeMetrics } from './metrics.js';

export interface OpsOptions {
  /** Overrides for limits; unset ones come from the configuration. */
  limits?: Partial<LimitSettings>;
  logger?: Logger;
  /** How long stopping waits for in-flight requests (default: the configuration's, 10 s). */
  shutdownGraceMs?: number;
}

export interface ServerOps {
  limits: LimitSettings;
  log: Logger;
  metrics: KoeMetrics;
  rateLimits: RateLimitStore;
  shutdownGraceMs: number;
}

export function serverOps(orm: MikroORM, config: KoeConfig, opts: OpsOptions = {}): ServerOps {
  return {
    limits: resolveLimits(opts.limits ?? {}, config.limits),
    log: opts.logger ?? createLogger(config.logLevel),
    metrics: processMetrics(),
    rateLimits: new RateLimitStore(orm),
    shutdownGraceMs: opts.shutdownGraceMs ?? config.shutdownGraceMs,
  };
}

const defaulted = new WeakMap<object, ServerOps>();
/** The ops a server was given, or (for a server started on its own) ones built once from its configuration. */
export function opsOf(deps: { orm: MikroORM; config: KoeConfig; ops?: ServerOps }): ServerOps {
  if (deps.ops) return deps.ops;
  let ops = defaulted.get(deps);
  if (!ops) defaulted.set(deps, (ops = serverOps(deps.orm, deps.config)));
  return ops;
}
