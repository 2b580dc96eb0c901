/**
 * The limits a server enforces: the configured ones (src/config, from the environment at start-up),
 * with explicit options winning over them, so tests stay independent of the shell.
 */
import type { LimitSettings } from '../../config/index.js';

export type { LimitSettings } from '../../config/index.js';

export function resolveLimits(opts: Partial<LimitSettings>, configured: Readonly<LimitSettings>): LimitSettings {
  const out: LimitSettings = { ...configured };
  for (const [key, value] of Object.entries(opts) as Array<[keyof LimitSettings, never]>) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * The representations one request may send to `_entities`. The gateway sends the keys of one list
 * (at most a page) per entity type a plan step needs, and one step may batch every entity type the
 * subgraph resolves; so a page per type is what a legitimate plan can send, and more is an attack.
 */
export function representationCap(limits: Pick<LimitSettings, 'maxRepresentations' | 'maxPageSize'>, entityTypes: number): number {
  return limits.maxRepresentations ?? limits.maxPageSize * entityTypes;
}
