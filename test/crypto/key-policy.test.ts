/**
 * The `rotation:` section (keys.policy.yaml): the shipped 90 days load, 90 is the default without
 * the file, and a period that is not a positive whole number is reported at file:line.
 */
import 'reflect-metadata';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/policies/index.js';
import { loadPolicy } from '../../src/server/policy.js';
import { POLICY_DIR } from '../support/koe.js';

function dirWithKeys(yaml: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policies-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  if (yaml === null) rmSync(join(dir, 'keys.policy.yaml'));
  else writeFileSync(join(dir, 'keys.policy.yaml'), yaml);
  return dir;
}

async function problemsOf(yaml: string): Promise<string> {
  try {
    await loadPolicy(dirWithKeys(yaml));
    return '';
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return e.problems.map((p) => `${p.loc.file.split('/').pop()}:${p.loc.line}: ${p.message}`).join('\n');
  }
}

describe('key rotation policy', () => {
  it('loads the shipped period of 90 days, and defaults to 90 without keys.policy.yaml', async () => {
    expect((await loadPolicy(POLICY_DIR)).keys.rotationMaxAgeDays).toBe(90);
    expect((await loadPolicy(dirWithKeys(null))).keys.rotationMaxAgeDays).toBe(90);
    expect((await loadPolicy(dirWithKeys('rotation:\n  maxAgeDays: 30\n'))).keys.rotationMaxAgeDays).toBe(30);
  });

  it.each([
    ['zero days', 'rotation:\n  maxAgeDays: 0\n', 'keys.policy.yaml:2: "rotation.maxAgeDays" must be at least 1'],
    ['a fraction', 'rotation:\n  maxAgeDays: 1.5\n', 'keys.policy.yaml:2: "rotation.maxAgeDays" must be a whole number'],
    ['a duration string', 'rotation:\n  maxAgeDays: 90d\n', 'keys.policy.yaml:2: "rotation.maxAgeDays" must be a whole number'],
    ['a misspelt key', 'rotation:\n  maxAgeDay: 90\n', 'keys.policy.yaml:'],
  ])('reports %s at its line', async (_what, yaml, expected) => {
    expect(await problemsOf(yaml)).toContain(expected);
  });
});
