/**
 * The settings behind two attack fixes (issue 13, items 10 and 11): `KOE_MAX_TOKEN_TTL` is read as
 * seconds or a duration and a malformed value stops start-up; `koe token` will not mint past it; and
 * `_entities` costs its selection once per representation, so representations count in the cost limit.
 */
import 'reflect-metadata';
import { decodeJwt } from 'jose';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { subgraphSchema } from '../../src/server/subgraphs.js';
import { estimateCost, pageEstimator } from '../../src/server/limits/cost.js';
import { loadConfig, type Env, type LimitSettings } from '../../src/config/index.js';
import { representationCap, resolveLimits as resolveOver } from '../../src/server/limits/settings.js';

/** The limits a server resolves from this environment (through the configuration, as at start-up). */
const resolveLimits = (opts: Partial<LimitSettings>, env: Env) => resolveOver(opts, loadConfig(env).limits);
import { entityTypeCount } from '../../src/server/limits/representations.js';
import { runKoe } from '../support/koe-cli.js';

describe('KOE_MAX_TOKEN_TTL', () => {
  it.each([
    [undefined, 86_400],
    ['3600', 3600],
    ['90m', 5400],
    ['24h', 86_400],
    ['7d', 604_800],
  ])('reads %s as %i seconds', (raw, seconds) => {
    expect(resolveLimits({}, raw === undefined ? {} : { KOE_MAX_TOKEN_TTL: raw }).maxTokenTtlSeconds).toBe(seconds);
  });

  it.each(['24x', '-1', '0', '1.5h', 'one day'])('stops start-up on %s, naming the variable and the accepted forms', (raw) => {
    expect(() => resolveLimits({}, { KOE_MAX_TOKEN_TTL: raw })).toThrow(/KOE_MAX_TOKEN_TTL must be a positive duration.*"24h"/);
  });
});

describe('koe token', () => {
  it('mints within the maximum lifetime and refuses a longer --ttl with a clear message', async () => {
    const ok = await runKoe(['token', 'p-analyst', '--ttl', '1h']);
    expect(ok.code).toBe(0);
    const claims = decodeJwt(ok.stdout.trim());
    expect(claims.exp! - claims.iat!).toBe(3600);
    const long = await runKoe(['token', 'p-analyst', '--ttl', '48h']);
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/--ttl 48h is 172800 s, over the maximum token lifetime of 86400 s \(KOE_MAX_TOKEN_TTL\)/);
    expect(long.stdout).toBe('');
    const bad = await runKoe(['token', 'p-analyst'], { KOE_MAX_TOKEN_TTL: 'forever' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/KOE_MAX_TOKEN_TTL must be a positive duration/);
  }, 90_000);
});

describe('_entities in the cost limit', () => {
  it('multiplies the selection by the representations sent', async () => {
    const schema = await subgraphSchema('customers');
    const doc = parse('query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id email name } } }');
    const cost = (n: number) => estimateCost(schema, doc, undefined, { r: Array.from({ length: n }, (_, i) => ({ __typename: 'Customer', id: String(i) })) }, pageEstimator(20, 100));
    expect(cost(1)).toBe(1 + 3);
    expect(cost(100)).toBe(1 + 3 * 100);
    // 1,700 representations of three fields are over the default cost limit on their own.
    expect(cost(1700)).toBeGreaterThan(resolveLimits({}, {}).maxCost);
  });

  it('caps representations at a page per entity type by default, or at KOE_MAX_REPRESENTATIONS', async () => {
    expect(entityTypeCount(await subgraphSchema('customers'))).toBe(1);
    expect(entityTypeCount(await subgraphSchema('feedback'))).toBe(2);
    expect(representationCap(resolveLimits({}, {}), 2)).toBe(200);
    expect(representationCap(resolveLimits({}, { KOE_MAX_REPRESENTATIONS: '500' }), 2)).toBe(500);
  });
});
