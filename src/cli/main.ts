#!/usr/bin/env node
import 'reflect-metadata';
import { Command, Help } from 'commander';
import { COMMANDS, isCommandName } from './command-list.js';

const program = new Command('koe')
  .description('Koe (声): GraphQL platform for Voice-of-Customer data with per-field PLAIN / MASKED / DENIED decisions')
  .showHelpAfterError()
  // A command's options after its subcommand belong to the subcommand (`koe access review start --unused-days`).
  .enablePositionalOptions();

async function main(): Promise<void> {
  // `koe policy …` and `koe help policy` load that command's module; `koe`, `koe --help` or a typo only
  // list the commands, from their static descriptions.
  const name = process.argv[2] === 'help' ? process.argv[3] : process.argv[2];
  if (isCommandName(name)) {
    (await COMMANDS[name].load())(program);
  } else {
    for (const [n, c] of Object.entries(COMMANDS)) program.command(n).description(c.description);
    const help = new Help();
    program.configureHelp({
      subcommandTerm: (cmd) => {
        const n = cmd.name();
        return isCommandName(n) ? COMMANDS[n].term : help.subcommandTerm(cmd);
      },
    });
  }
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  console.error(`koe: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
