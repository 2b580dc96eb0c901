/** Every `koe access` command explains itself with --help (built in-process: no spawn needed). */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerAccess } from '../../src/cli/commands/access.command.js';

function accessCommand(): Command {
  const program = new Command('koe');
  registerAccess(program);
  return program.commands.find((c) => c.name() === 'access')!;
}

describe(registerAccess.name, () => {
  const changes = ['grant', 'revoke', 'disable', 'enable', 'set-team', 'create-key', 'revoke-key'];

  it.each(changes)('%s has help and requires --actor, which the audit trail records', (name) => {
    const command = accessCommand().commands.find((c) => c.name() === name)!;
    const help = command.helpInformation();
    expect(help).toContain(`Usage: koe access ${name}`);
    expect(help).toMatch(/--actor <principal>.*audit trail/s);
    expect(command.options.find((o) => o.long === '--actor')?.required).toBe(true);
  });

  it.each(['keys', 'review'])('%s has help', (name) => {
    const help = accessCommand().commands.find((c) => c.name() === name)!.helpInformation();
    expect(help).toContain(`Usage: koe access ${name}`);
  });

  it('review documents its periods, formats and the decisions file', () => {
    const help = accessCommand().commands.find((c) => c.name() === 'review')!.helpInformation();
    for (const option of ['--unused-days', '--review-days', '--format', '--out', '--apply', '--decisions', '--reviewer']) expect(help).toContain(option);
    expect(help).toMatch(/keep\s+\|\s+revoke:<role>\s+\|\s+disable/);
  });
});
