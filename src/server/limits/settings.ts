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
  /** Admin-only introspection, no "did you mean" hints. On under NODE_ENV=production. */
  production: boolean;
}

const DEFAULTS: Omit<LimitSettings, 'production'> = {
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

const ENV: Record<keyof typeof DEFAULTS, string> = {
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

export function resolveLimits(opts: Partial<LimitSettings> = {}, env: NodeJS.ProcessEnv = process.env): LimitSettings {
  const out = { production: opts.production ?? env.NODE_ENV === 'production' } as LimitSettings;
  for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
    out[key] = opts[key] ?? fromEnv(env, ENV[key]) ?? DEFAULTS[key];
  }
  return out;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  // A typo in a limit must stop start-up, not silently remove the limit.
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return n;
}
