/** `koe access …`: grants, leavers, API keys and the periodic access review, from the shell. */
import type { Command } from 'commander';
import { registerAccessChanges } from './access/change.js';
import { registerGrantRequests } from './access/grant-requests.js';
import { registerAccessKeys } from './access/keys.js';
import { registerAccessReview } from './access/review.js';

export function registerAccess(program: Command): void {
  const access = program
    .command('access')
    // A verb's options are its own (see access/periodic.ts); `access` has none of its own anyway.
    .enablePositionalOptions()
    .description('who may use Koe: grant and revoke roles, disable leavers, API keys, access reviews (each change audited)');
  registerAccessChanges(access);
  registerGrantRequests(access);
  registerAccessKeys(access);
  registerAccessReview(access);
}
