/**
 * What one request's DecisionCounter hands the audit event: counts per field and decision, and per
 * record the fields it returned. Records of a page that return the same fields share one set of
 * entries; records whose fields differ (a support agent's own team PLAIN, another team MASKED)
 * must each keep their own.
 */
import { describe, expect, it } from 'vitest';
import { DecisionCounter } from '../../src/request/decision-counter.js';

const records = (c: DecisionCounter) => [...c.shownByType()].flatMap(([type, byId]) => [...byId].map(([id, s]) => [`${type}:${id}`, s.entries] as const));
const shown = (c: DecisionCounter) => Object.fromEntries(records(c).map(([r, e]) => [r, [...e]]));

describe(DecisionCounter.name, () => {
  it('keeps per record exactly the entries returned from it, in the order returned', () => {
    const c = new DecisionCounter();
    for (const id of ['a', 'b']) for (const f of ['name', 'email']) c.shown('Customer', id, `PCustomer.${f}`);
    c.shown('Customer', 'c', 'MCustomer.name');
    c.shown('Customer', 'c', 'MCustomer.email');
    c.shown('Customer', 'd', 'MCustomer.email');
    c.shown('Customer', 'd', 'PCustomer.name');
    c.shown('Feedback', 'a', 'MFeedback.body');
    c.shown('Customer', 'a', 'PCustomer.phone');
    c.shown('Customer', 'b', 'PCustomer.name');
    expect(shown(c)).toEqual({
      'Customer:a': ['PCustomer.name', 'PCustomer.email', 'PCustomer.phone'],
      'Customer:b': ['PCustomer.name', 'PCustomer.email'],
      'Customer:c': ['MCustomer.name', 'MCustomer.email'],
      'Customer:d': ['MCustomer.email', 'PCustomer.name'],
      'Feedback:a': ['MFeedback.body'],
    });
  });

  it('shares one set between records that returned the same fields in the same order', () => {
    const c = new DecisionCounter();
    for (const id of ['a', 'b', 'c']) for (const f of ['name', 'email']) c.shown('Customer', id, `MCustomer.${f}`);
    const sets = records(c).map(([, e]) => e);
    expect(new Set(sets).size).toBe(1);
  });

  it('lists fields returned from a source without an id as unmapped, and counts every decision', () => {
    const c = new DecisionCounter();
    c.shown('Customer', undefined, 'PCustomer.email');
    c.shown('Customer', '', 'MCustomer.name');
    c.count('Customer.email', 'PLAIN');
    c.count('Customer.email', 'PLAIN');
    c.count('Customer.email', 'DENIED');
    c.count('Customer.name', 'MASKED', 5);
    expect(c.unmapped()).toEqual(['Customer.email', 'Customer.name']);
    expect(records(c)).toEqual([]);
    expect(c.entries()).toEqual([
      { field: 'Customer.email', decision: 'PLAIN', count: 2 },
      { field: 'Customer.email', decision: 'DENIED', count: 1 },
      { field: 'Customer.name', decision: 'MASKED', count: 5 },
    ]);
  });
});
