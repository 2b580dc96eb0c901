/**
 * Name lookups through the blind index, as the DPO makes them for a compliance case: a name typed in
 * half-width katakana, full-width Latin or a mix finds the customer stored in the other form (NFKC,
 * case and spaces folded), and nothing else matches: another name, a missing voicing mark.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAs, startTestKoe, type TestKoe } from '../support/koe.js';

let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe();
});
afterAll(async () => koe?.stop());

/** ASCII digits and letters in their full-width forms (U+FF01 block). */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

const UPSERT = 'mutation($in: UpsertCustomerInput!) { upsertCustomer(input: $in) { id } }';
const FIND = 'query($name: String!) { customers(first: 10, filter: { name: $name }) { totalCount edges { node { id name } } } }';

async function store(name: string): Promise<string> {
  const tag = randomBytes(4).toString('hex');
  const res = await postAs(koe, 'p-ingest', UPSERT, { in: { name, email: `bidx.${tag}@example.jp` } });
  expect(res.errors).toBeUndefined();
  return (res.data as { upsertCustomer: { id: string } }).upsertCustomer.id;
}

async function dpoFinds(name: string): Promise<Array<{ id: string; name: string }>> {
  const res = await postAs(koe, 'p-dpo', FIND, { name }, 'compliance');
  expect(res.errors).toBeUndefined();
  return (res.data as { customers: { edges: Array<{ node: { id: string; name: string } }> } }).customers.edges.map((e) => e.node);
}

/** A number unique to one case, so each lookup can match only the customer stored for it. */
const uniq = () => String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000));

describe('customers(filter: { name }) for the DPO (X-Koe-Purpose: compliance)', () => {
  it.each([
    ['half-width katakana finds full-width', (n: string) => `ヤマダ タロウ${fullWidth(n)}`, (n: string) => `ﾔﾏﾀﾞ ﾀﾛｳ${n}`],
    ['full-width katakana finds half-width', (n: string) => `ﾔﾏﾀﾞ ﾀﾛｳ${n}`, (n: string) => `ヤマダ\u3000タロウ${fullWidth(n)}`],
    ['lower-case Latin finds full-width Latin', (n: string) => `Ｔａｒｏ Ｙａｍａｄａ${fullWidth(n)}`, (n: string) => `taro yamada${n}`],
    ['full-width Latin finds upper-case Latin', (n: string) => `TARO Yamada${n}`, (n: string) => `Ｔａｒｏ\u3000ｙａｍａｄａ${fullWidth(n)}`],
    ['a mixed form finds the other mix', (n: string) => `ﾔﾏﾀﾞ Ｔａｒｏ${n}`, (n: string) => `ヤマダ taro${fullWidth(n)}`],
  ])('%s', async (_what, stored, typed) => {
    const n = uniq();
    const id = await store(stored(n));
    expect(typed(n)).not.toBe(stored(n));
    const found = await dpoFinds(typed(n));
    expect(found.map((c) => c.id)).toEqual([id]);
    // The write path may fold the stored form (full-width digits); the lookup must not depend on it.
    expect(found[0]!.name.normalize('NFKC')).toBe(stored(n).normalize('NFKC'));
  });

  it.each([
    ['another given name', 'ヤマダ タロウ', 'ﾔﾏﾀﾞ ｼﾞﾛｳ'],
    ['a missing voicing mark (ダ is not タ)', 'ヤマダ タロウ', 'ﾔﾏﾀ ﾀﾛｳ'],
    ['a prefix of the name', 'Ｔａｒｏ Ｙａｍａｄａ', 'taro yama'],
    ['hiragana for katakana (NFKC keeps them apart)', 'ヤマダ タロウ', 'やまだ たろう'],
  ])('finds nothing for %s', async (_what, stored, typed) => {
    const n = uniq();
    await store(`${stored}${n}`);
    expect(await dpoFinds(`${typed}${n}`)).toEqual([]);
  });
});
