/**
 * `koe --help` lists the commands from src/cli/command-list.ts without loading their modules (so it
 * answers fast); each entry must say what the module itself registers, or the list lies.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../src/cli/command-list.js';

// Loading every command module loads most of Koe.
vi.setConfig({ testTimeout: 120_000 });

describe('the command list of koe --help', () => {
  it('names each command with the usage and description its module registers', async () => {
    const program = new Command('koe');
    for (const c of Object.values(COMMANDS)) (await c.load())(program);
    const help = program.createHelp();
    const registered = program.commands.map((cmd) => ({ name: cmd.name(), term: help.subcommandTerm(cmd), description: cmd.description() }));
    const listed = Object.entries(COMMANDS).map(([name, c]) => ({ name, term: c.term, description: c.description }));
    expect(listed).toEqual(registered);
  });
});
