/**
 * Every limit a server enforces, with its default and its environment variable. An explicit option
 * wins over the environment, the environment over the default, so tests stay independent of the shell.
 */
export interface LimitSettings {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  maxCost: number;
  /** The page size a list field is costed at when no `first` is given, and the most it counts. */
  defaultPageSize: number;
  maxPageSize: number;
  maxBodyBytes: number;
  /** Per principal and minute; 0 turns the limiter off. */
  requestsPerMinute: number;
  plainReadsPerMinute: number;
  /**
   * `_entities` representations in one request, all `_entities` fields together. Unset: one page
   * (`maxPageSize`) per entity type the subgraph resolves (see `representationCap`).
   */
  maxRepresentations?: number;
  /** The longest lifetime a bearer token may have (`exp` minus `iat`, and `exp` minus now), in seconds. */
  maxTokenTtlSeconds: number;
  /** Admin-only introspection, no "did you mean" hints. On under NODE_ENV=production. */
  production: boolean;
}

type Counted = Exclude<keyof LimitSettings, 'production' | 'maxRepresentations' | 'maxTokenTtlSeconds'>;

const DEFAULTS: Record<Counted, number> = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 10,
  maxTokens: 2000,
  maxCost: 5000,
  defaultPageSize: 20,
  maxPageSize: 100,
  maxBodyBytes: 256 * 1024,
  requestsPerMinute: 600,
  plainReadsPerMinute: 20_000,
};

const ENV: Record<Counted, string> = {
  maxDepth: 'KOE_MAX_DEPTH',
  maxAliases: 'KOE_MAX_ALIASES',
  maxRootFields: 'KOE_MAX_ROOT_FIELDS',
  maxTokens: 'KOE_MAX_TOKENS',
  maxCost: 'KOE_MAX_COST',
  defaultPageSize: 'KOE_DEFAULT_PAGE_SIZE',
  maxPageSize: 'KOE_MAX_PAGE_SIZE',
  maxBodyBytes: 'KOE_MAX_BODY_BYTES',
  requestsPerMinute: 'KOE_RATE_LIMIT_REQUESTS',
  plainReadsPerMinute: 'KOE_RATE_LIMIT_PLAIN_READS',
};

/** A day: long enough for a working session, short enough that a leaked token dies by tomorrow. */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 24 * 3600;

export function resolveLimits(opts: Partial<LimitSettings> = {}, env: NodeJS.ProcessEnv = process.env): LimitSettings {
  const out = { production: opts.production ?? env.NODE_ENV === 'production' } as LimitSettings;
  for (const key of Object.keys(DEFAULTS) as Counted[]) {
    out[key] = opts[key] ?? fromEnv(env, ENV[key]) ?? DEFAULTS[key];
  }
  const representations = opts.maxRepresentations ?? fromEnv(env, 'KOE_MAX_REPRESENTATIONS');
  if (representations !== undefined) out.maxRepresentations = representations;
  out.maxTokenTtlSeconds = opts.maxTokenTtlSeconds ?? maxTokenTtlFromEnv(env);
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

/** `KOE_MAX_TOKEN_TTL`: seconds (`3600`) or a duration (`90m`, `24h`, `7d`); stops start-up when malformed. */
export function maxTokenTtlFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KOE_MAX_TOKEN_TTL;
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_TOKEN_TTL_SECONDS;
  const seconds = parseDurationSeconds(raw);
  if (seconds === null || seconds <= 0) {
    throw new Error(`KOE_MAX_TOKEN_TTL must be a positive duration in seconds ("3600") or with a unit s, m, h or d ("24h"), got "${raw}"`);
  }
  return seconds;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `3600`, `3600s`, `90m`, `24h`, `7d` to seconds; null when it is none of those. */
export function parseDurationSeconds(raw: string): number | null {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(raw);
  if (!m) return null;
  const n = Number(m[1]) * UNIT_SECONDS[(m[2] || 's').toLowerCase()]!;
  return Number.isSafeInteger(n) ? n : null;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  // A typo in a limit must stop start-up, not silently remove the limit.
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return n;
}
