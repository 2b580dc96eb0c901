/**
 * WideningLoader: one read per batch with the union of its callers' columns, one promise per key
 * (as a plain DataLoader), and a second, wider read when a caller needs columns a finished read lacks.
 */
import { describe, expect, it } from 'vitest';
import { WideningLoader } from '../../src/resolvers/widening-loader.js';

function recording() {
  const reads: Array<{ keys: string[]; properties: string[] | null }> = [];
  const loader = new WideningLoader<string, { key: string; properties: string[] | null }>(async (keys, properties) => {
    const sorted = properties === null ? null : [...properties].sort();
    reads.push({ keys: [...keys], properties: sorted });
    return keys.map((key) => ({ key, properties: sorted }));
  }, String);
  return { loader, reads };
}

describe(WideningLoader.name, () => {
  it('reads a batch once, with the union of what its callers need, and answers the callers of one key with one row', async () => {
    const { loader, reads } = recording();
    const a = loader.load('x', ['id', 'email']);
    const b = loader.load('x', ['id', 'phone']);
    const c = loader.load('y', ['id']);
    await Promise.all([a, c]);
    expect(await a).toBe(await b);
    expect(reads).toEqual([{ keys: ['x', 'y'], properties: ['email', 'id', 'phone'] }]);
    expect((await b).properties).toEqual(['email', 'id', 'phone']);
  });

  it('reads every column for the batch when one caller cannot say', async () => {
    const { loader, reads } = recording();
    await Promise.all([loader.load('x', ['id']), loader.load('y', null)]);
    expect(reads).toEqual([{ keys: ['x', 'y'], properties: null }]);
  });

  it('reads a record again, wider, when a later caller needs a column the finished read lacks', async () => {
    const { loader, reads } = recording();
    const first = await loader.load('x', ['id', 'email']);
    expect(await loader.load('x', ['email'])).toBe(first);
    const wider = await loader.load('x', ['id', 'teamId']);
    expect(wider.properties).toEqual(['email', 'id', 'teamId']);
    expect(await loader.load('x', null)).toMatchObject({ properties: null });
    expect(reads.map((r) => r.properties)).toEqual([['email', 'id'], ['email', 'id', 'teamId'], null]);
    // A read of every column answers everyone after it.
    await loader.load('x', ['anything']);
    expect(reads).toHaveLength(3);
  });
});
