/** The static control → tests mapping of the evidence pack names files that exist, for every section. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTROL_TESTS } from '../../src/audit/evidence/control-tests.js';

const root = new URL('../../', import.meta.url).pathname;

describe('CONTROL_TESTS', () => {
  it.each(Object.entries(CONTROL_TESTS))('%s lists test files that exist', (_control, files) => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(existsSync(`${root}${f}`), f).toBe(true);
  });
});
