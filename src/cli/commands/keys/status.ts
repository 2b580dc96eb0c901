/**
 * `koe keys status`: KEK versions with state, age and how many keys each wraps; flags an active
 * version older than `rotation: maxAgeDays` of the policy files, and keys no configured KEK opens.
 */
import type { Command } from 'commander';
import { keyStatus, type KeyStatusReport } from '../../../data/encryption/index.js';
import { cliAction, DIR_OPTION, loadPolicyFrom } from '../policy/cli-support.js';
import { openRuntime } from '../../runtime.js';

/** Exit codes: 0 fine, 1 error (wrong key, keys no KEK opens), 2 rotation due or unfinished. */
export const EXIT_ROTATION_DUE = 2;

export function registerKeysStatus(keys: Command): void {
  keys
    .command('status')
    .description('list KEK versions: state, age, data keys wrapped, whether configured; flag one older than the rotation period')
    .option('--json', 'print the report as JSON on stdout')
    .option(...DIR_OPTION)
    .addHelpText('after', '\nExit codes: 0 fine; 1 a problem (a wrong or missing key, keys on a retired version);\n2 the active KEK is older than rotation.maxAgeDays of the policy files, or a rotation is unfinished.')
    .action(cliAction(status));
}

async function status(flags: { json?: boolean; dir?: string }): Promise<void> {
  const { set } = await loadPolicyFrom(flags.dir);
  const rt = await openRuntime((l) => console.error(l));
  let report: KeyStatusReport;
  try {
    report = await keyStatus(rt.orm.em.fork(), rt.keyRing().provider, { maxAgeDays: set.keys.rotationMaxAgeDays });
  } finally {
    await rt.close();
  }
  console.log(flags.json ? JSON.stringify(report, null, 2) : describe(report));
  if (report.problems.length) process.exitCode = 1;
  else if (report.rotationDue || report.rotationUnfinished) process.exitCode = EXIT_ROTATION_DUE;
}

function describe(r: KeyStatusReport): string {
  const head = ['version', 'state', 'created', 'age (days)', 'data keys', 'key material', 'configured'];
  const rows = r.versions.map((v) => [
    String(v.version),
    v.state,
    v.createdAt.toISOString().slice(0, 10),
    String(v.ageDays),
    String(v.dataKeys),
    String(v.keyMaterial),
    v.configured ? (v.fingerprintMatches ? 'yes' : 'WRONG KEY') : 'no',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(head), ...rows.map(line), ''];
  const active = r.versions.find((v) => v.version === r.active);
  if (active) {
    out.push(
      r.rotationDue
        ? `ROTATION DUE: the active version ${active.version} is ${active.ageDays} days old (rotation period ${r.maxAgeDays} days): run koe keys rotate`
        : `Active version ${active.version} is ${active.ageDays} days old (rotation period ${r.maxAgeDays} days).`,
    );
  }
  if (r.rotationUnfinished) out.push('A rotation is unfinished (a version is retiring): run koe keys rotate to resume it.');
  for (const p of r.problems) out.push(`PROBLEM: ${p}`);
  return out.join('\n');
}
