import type { Command } from 'commander';
import { DEFAULT_TOKEN_TTL_SECONDS, issueToken } from '../../auth/jwt.js';
import { loadSecrets } from '../../auth/secrets.js';
import { parseDurationSeconds } from '../../config/index.js';
import { cliConfig, PROJECT_ROOT } from '../runtime.js';

export function registerToken(program: Command): void {
  program
    .command('token <principalId>')
    .description('mint a development bearer token for a principal (HS256 with the development secret)')
    .option('--ttl <duration>', 'lifetime: seconds or a duration such as 90m, 12h (at most KOE_MAX_TOKEN_TTL, default 24h)')
    .action(async (principalId: string, opts: { ttl?: string }) => {
      // Checked here too: a token the servers would refuse is no use to anyone.
      const config = cliConfig();
      const max = config.limits.maxTokenTtlSeconds;
      const ttl = opts.ttl === undefined ? Math.min(DEFAULT_TOKEN_TTL_SECONDS, max) : parseDurationSeconds(opts.ttl);
      if (ttl === null || ttl <= 0) throw new Error(`--ttl must be a positive number of seconds or a duration such as 90m, 12h or 1d, got "${opts.ttl}"`);
      if (ttl > max) throw new Error(`--ttl ${opts.ttl} is ${ttl} s, over the maximum token lifetime of ${max} s (KOE_MAX_TOKEN_TTL); servers refuse such tokens`);
      console.log(await issueToken(loadSecrets(PROJECT_ROOT, config).jwtSecret, principalId, ttl));
    });
}
