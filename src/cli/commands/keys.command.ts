/** `koe keys …`: rotate the key-encryption keys and report on them. */
import type { Command } from 'commander';
import { registerKeysRotate } from './keys/rotate.js';
import { registerKeysStatus } from './keys/status.js';

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('key-encryption keys (KEKs) of field encryption: rotate them and see which version wraps how many data keys');
  registerKeysRotate(keys);
  registerKeysStatus(keys);
}
