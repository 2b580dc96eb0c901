import type { Command } from 'commander';
import { issueToken } from '../../auth/jwt.js';
import { loadSecrets } from '../../auth/secrets.js';
import { PROJECT_ROOT } from '../runtime.js';

export function registerToken(program: Command): void {
  program
    .command('token <principalId>')
    .description('mint a development bearer token for a principal (HS256 with the development secret)')
    .option('--ttl <seconds>', 'lifetime in seconds', (v) => Number.parseInt(v, 10), 12 * 3600)
    .action(async (principalId: string, opts: { ttl: number }) => {
      console.log(await issueToken(loadSecrets(PROJECT_ROOT).jwtSecret, principalId, opts.ttl));
    });
}
