/** The pure parts of an audit event: operation hash, action, outcome, masked mutation detail. */
import { describe, expect, it } from 'vitest';
import { parse, type OperationDefinitionNode } from 'graphql';
import { normalizedDocument, operationHash } from '../../src/audit/operation-hash.js';
import { actionOf, outcomeOf } from '../../src/audit/request-event.js';
import { mutationDetail } from '../../src/audit/mutation-detail.js';

const op = (q: string) => parse(q).definitions[0] as OperationDefinitionNode;

describe(operationHash.name, () => {
  it.each([
    ['string literals', '{ customers(filter: { email: "taro@example.jp" }) { edges { node { id } } } }', '{ customers(filter: { email: "hanako@example.jp" }) { edges { node { id } } } }'],
    ['int literals and whitespace', '{ feedbacks(first: 5) { totalCount } }', '{\n  feedbacks( first : 50 ) {\n totalCount }\n}'],
    ['list literals', '{ a(ids: ["1", "2"]) }', '{ a(ids: ["3"]) }'],
  ])('hashes documents differing only in %s the same', (_what, a, b) => {
    expect(operationHash(parse(a))).toBe(operationHash(parse(b)));
  });

  it('hashes different selections differently', () => {
    expect(operationHash(parse('{ customer(id: "1") { email } }'))).not.toBe(operationHash(parse('{ customer(id: "1") { name } }')));
  });

  it('never keeps a literal value in the normalised document', () => {
    expect(normalizedDocument(parse('{ customers(filter: { email: "taro@example.jp", phone: "090-1234-5678" }) { totalCount } }'))).not.toMatch(/taro|090/);
  });
});

describe(actionOf.name, () => {
  it.each([
    ['{ customers { totalCount } }', 'query'],
    ['mutation { submitFeedback(input: {}) { id } }', 'mutation'],
    ['query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', 'entities'],
  ])('%s is a %s', (q, action) => expect(actionOf(op(q))).toBe(action));
});

describe(outcomeOf.name, () => {
  const forbidden = (path?: string[]) => ({ message: 'no', ...(path ? { path } : {}), extensions: { code: 'FORBIDDEN' } });
  it.each([
    ['no errors', { customer: { email: 'x' } }, undefined, 'ok'],
    ['a FORBIDDEN nested field', { customer: { email: null } }, [forbidden(['customer', 'email'])], 'partial'],
    ['a FORBIDDEN root field', { upsertCustomer: null }, [forbidden(['upsertCustomer'])], 'denied'],
    ['a FORBIDDEN error without data', null, [forbidden()], 'denied'],
    ['another error', null, [{ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }], 'error'],
  ])('%s → %s', (_what, data, errors, outcome) => expect(outcomeOf(data, errors)).toBe(outcome));
});

describe(mutationDetail.name, () => {
  it('keeps names, ids and enum values but redacts personal values, from literals and variables', () => {
    const detail = mutationDetail(
      op('mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } updateFeedbackStatus(id: "f-1", status: RESOLVED) { id } }'),
      { input: { id: 'c-1', name: '山田 太郎', email: 'taro@example.jp', phone: '090-1234-5678', teamId: 'team-east' } },
    );
    expect(detail).toEqual({
      mutations: [
        { name: 'upsertCustomer', arguments: { input: { id: 'c-1', name: '[REDACTED]', email: '[REDACTED]', phone: '[REDACTED]', teamId: 'team-east' } } },
        { name: 'updateFeedbackStatus', arguments: { id: 'f-1', status: 'RESOLVED' } },
      ],
    });
    expect(JSON.stringify(detail)).not.toMatch(/taro|山田|090/);
  });

  it("keeps a data-subject request's reason, with personal data typed into it replaced by markers", () => {
    const detail = mutationDetail(
      op('mutation($id: ID!, $reason: String!) { requestErasure(customerId: $id, reason: $reason) { customerId } }'),
      { id: 'c-1', reason: '本人からの削除請求 (DSR-14), 連絡先 taro@example.jp' },
    );
    expect(detail).toEqual({ mutations: [{ name: 'requestErasure', arguments: { customerId: 'c-1', reason: '本人からの削除請求 (DSR-14), 連絡先 [EMAIL]' } }] });
  });
});
