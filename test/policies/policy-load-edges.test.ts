/**
 * The loader at the edges found by a StrykerJS run (issue 20): role inheritance (shared ancestors,
 * cycles reached from outside, several cycles at once, whose rule a read-only role's error message
 * blames) and where a section declared twice is reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicySet, PolicyError, policyVersion } from '../../src/policies/index.js';
import type { PolicySource } from '../../src/policies/model.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policy-edges-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const rolesDir = (roles: string) => policyDir({ 'roles.policy.yaml': `roles:\n${roles}` });

function loadError(dir: string): string {
  try {
    loadPolicySet(dir, contractCatalog);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as Error).message;
  }
  throw new Error('expected the policy set to be refused');
}

/** A role with no rules: `role('c', 'inherits: [a, b]')`. */
const role = (name: string, extra = '') => `  ${name}:\n    description: d\n    department: IT\n${extra ? `    ${extra}\n` : ''}    rules: []\n`;

function problems(roles: string): string[] {
  try {
    loadPolicySet(rolesDir(roles), contractCatalog);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as PolicyError).problems.map((p) => p.message);
  }
  throw new Error('expected the policy set to be refused');
}

describe('privileged roles', () => {
  it('does not make a role privileged because two of its parents share an ancestor', () => {
    const set = loadPolicySet(rolesDir(role('base') + role('a', 'inherits: [base]') + role('b', 'inherits: [base]') + role('c', 'inherits: [a, b]')), contractCatalog);
    expect(set.roles.get('c')!.privileged).toBe(false);
  });

  it('makes a role privileged through either of two parents sharing a privileged ancestor', () => {
    const set = loadPolicySet(
      rolesDir(role('base', 'privileged: true') + role('a', 'inherits: [base]') + role('b', 'inherits: [base]') + role('c', 'inherits: [a, b]')),
      contractCatalog,
    );
    expect(set.roles.get('c')!.privileged).toBe(true);
  });
});

describe('inheritance cycles', () => {
  it('names only the roles of the cycle when a role outside it leads there', () => {
    expect(problems(role('x', 'inherits: [a]') + role('a', 'inherits: [b]') + role('b', 'inherits: [a]'))).toEqual([
      'inheritance cycle a -> b -> a: remove one of these inherits',
    ]);
  });

  it('reports each of two cycles through the same role', () => {
    expect(problems(role('a', 'inherits: [b, c]') + role('b', 'inherits: [a]') + role('c', 'inherits: [a]'))).toEqual([
      'inheritance cycle a -> b -> a: remove one of these inherits',
      'inheritance cycle a -> c -> a: remove one of these inherits',
    ]);
  });

  it('reports a cycle once when a parent is listed twice', () => {
    expect(problems(role('a', 'inherits: [b]') + role('b', 'inherits: [a, a]'))).toEqual(['inheritance cycle a -> b -> a: remove one of these inherits']);
  });
});

describe('read-only roles', () => {
  const write = '    rules:\n      - { on: Feedback, actions: [update], fields: [status] }\n';

  it('blames the role\'s own write rule without naming another role', () => {
    const [message] = problems(`  agent:\n    description: d\n    department: IT\n    readOnly: true\n${write}`);
    expect(message).toMatch(/^read-only role "agent" has a update rule on Feedback at .*roles\.policy\.yaml:7: remove the rule or set readOnly: false$/);
  });

  it('names the parent a write rule is inherited from', () => {
    const [message] = problems(`  writer:\n    description: d\n    department: IT\n${write}  viewer:\n    description: d\n    department: IT\n    readOnly: true\n    inherits: [writer]\n    rules: []\n`);
    expect(message).toMatch(/^read-only role "viewer" has a update rule on Feedback \(inherited from "writer"\) at .*roles\.policy\.yaml:6: remove/);
  });
});

describe('a section declared twice', () => {
  // The second declaration is not the first key of its file, so only its own position points at it.
  it.each([
    ['rotation', 'rotation: { maxAgeDays: 30 }\n', 'grantApproval: { expiresAfter: 72h }\nrotation: { maxAgeDays: 60 }\n'],
    ['grantApproval', 'grantApproval: { expiresAfter: 72h }\n', 'rotation: { maxAgeDays: 60 }\ngrantApproval: { expiresAfter: 3d }\n'],
    ['retention', 'retention: { default: 90d }\n', 'rotation: { maxAgeDays: 60 }\nretention: { default: 30d }\n'],
    ['lifecycle', 'lifecycle: { feedback: { keep: P3Y } }\n', 'rotation: { maxAgeDays: 60 }\nlifecycle: { feedback: { keep: P1Y } }\n'],
  ])('reports the second "%s:" at its own line', (section, first, second) => {
    const message = loadError(policyDir({ 'a.policy.yaml': first, 'b.policy.yaml': second, ...{ 'roles.policy.yaml': `roles:\n${role('agent')}` } }));
    expect(message).toMatch(new RegExp(`b\\.policy\\.yaml:2:1: "${section}:" is declared twice \\(first in .*a\\.policy\\.yaml\\): keep one`));
  });
});

describe('where other problems point', () => {
  it('points at the zero period itself', () => {
    const message = loadError(policyDir({ 'roles.policy.yaml': `roles:\n${role('agent')}`, 'lifecycle.policy.yaml': 'lifecycle:\n  feedback:\n    keep: P0D\n' }));
    expect(message).toMatch(/lifecycle\.policy\.yaml:3:11: "lifecycle\.feedback\.keep" must be a period longer than zero/);
  });

  it('points at the name of a field a recipient cannot be given', () => {
    const message = loadError(policyDir({
      'roles.policy.yaml': `roles:\n${role('agent')}`,
      'purposes.policy.yaml': 'purposes:\n  analytics:\n    description: { ja: 分析, en: Analytics }\n    legalBasis: notified\n',
      'recipients.policy.yaml': 'recipients:\n  lab:\n    name: Lab\n    address: Tokyo\n    country: JP\n    purpose: analytics\n    fields:\n      Feedback.bdy: freeText\n',
    }));
    expect(message).toMatch(/recipients\.policy\.yaml:8:7: recipient "lab": unknown field "Feedback\.bdy"/);
  });

  it('points an empty directory\'s problem at the directory', () => {
    const dir = policyDir({});
    expect(loadError(dir)).toContain(`${dir}:1:1: no *.policy.yaml files in this directory`);
  });
});

describe(policyVersion.name, () => {
  it('does not depend on the order the files are listed in', () => {
    const a: PolicySource = { name: 'a.policy.yaml', path: '/p/a.policy.yaml', text: 'roles: {}\n' };
    const b: PolicySource = { name: 'b.policy.yaml', path: '/p/b.policy.yaml', text: 'purposes: {}\n' };
    expect(policyVersion([b, a])).toBe(policyVersion([a, b]));
  });
});
