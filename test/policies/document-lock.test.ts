/**
 * The policy's trusted-documents lock (`documents:` on a role, docs/trusted-documents.md): how the
 * loader compiles it (inherited, never lifted) and whom it binds (any locked role of a principal,
 * the credentials it names, the clients all its locks allow).
 */
import { describe, expect, it } from 'vitest';
import { documentLockOf, lockAllows } from '../../src/policies/index.js';
import { policyDirs } from '../fixtures/policy-dir.js';

const { load, problems } = policyDirs();
const role = (name: string, extra: string) => `  ${name}:\n    description: d\n    department: analytics\n${extra}    rules: []\n`;
const file = (...roles: string[]) => ({ 'r.policy.yaml': `roles:\n${roles.join('')}` });

describe('documents: in a policy file', () => {
  it('locks the role, and every role inheriting it, to the clients named', () => {
    const set = load(file(
      role('tool', '    documents: { trustedOnly: true, clients: [bi], credentials: [apiKey] }\n'),
      role('wider', '    inherits: [tool]\n'),
      role('free', ''),
    ));
    expect(set.roles.get('tool')!.documents).toEqual({ clients: ['bi'], credentials: ['apiKey'] });
    expect(set.roles.get('wider')!.documents).toEqual({ clients: ['bi'], credentials: ['apiKey'] });
    expect(set.roles.get('free')!.documents).toBeNull();
  });

  it('leaves a role unlocked with trustedOnly: false', () => {
    expect(load(file(role('r', '    documents: { trustedOnly: false, clients: [bi] }\n'))).roles.get('r')!.documents).toBeNull();
  });

  it.each([
    ['an unknown credential', '{ trustedOnly: true, credentials: [password] }'],
    ['no trustedOnly', '{ clients: [bi] }'],
    ['an empty client list', '{ trustedOnly: true, clients: [] }'],
    ['an unknown key', '{ trustedOnly: true, only: [bi] }'],
  ])('refuses %s', (_name, value) => {
    expect(problems(file(role('r', `    documents: ${value}\n`))).join('\n')).toMatch(/documents/);
  });
});

describe(documentLockOf.name, () => {
  const roles = new Map([
    ['bi', { documents: { clients: ['bi'], credentials: ['apiKey' as const] } }],
    ['kiosk', { documents: { clients: ['bi', 'dashboard'], credentials: null } }],
    ['analyst', { documents: null }],
  ]);
  it('binds a principal holding any locked role: another role does not lift it', () => {
    expect(documentLockOf(roles, ['analyst', 'bi'], 'apiKey')).toEqual({ clients: ['bi'], credentials: ['apiKey'] });
    expect(documentLockOf(roles, ['analyst'], 'apiKey')).toBeNull();
  });
  it('binds only the credentials the lock names', () => {
    expect(documentLockOf(roles, ['bi'], 'token')).toBeNull();
    expect(documentLockOf(roles, ['kiosk'], 'token')).toEqual({ clients: ['bi', 'dashboard'], credentials: null });
  });
  it('allows only the clients every lock allows', () => {
    const lock = documentLockOf(roles, ['bi', 'kiosk'], 'apiKey')!;
    expect(lockAllows(lock, ['bi'])).toBe(true);
    expect(lockAllows(lock, ['dashboard'])).toBe(false);
    expect(lockAllows({ clients: null, credentials: null }, ['anything'])).toBe(true);
    expect(lockAllows({ clients: null, credentials: null }, [])).toBe(false);
  });
});
