/**
 * The Apollo Router configuration Koe ships (deploy/router/router.yaml) says what the Hive one does.
 * The Router cannot run here, so this checks the intent as written, not that the Router accepts it
 * (`router config validate` does, where the binary exists).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const config = parse(readFileSync(new URL('../../deploy/router/router.yaml', import.meta.url), 'utf8')) as Record<string, any>;

describe('deploy/router/router.yaml', () => {
  it('never merges identical subgraph calls', () => {
    expect(config.traffic_shaping.all.deduplicate_query).toBe(false);
  });

  it('forwards the credentials, the purpose and the request id to every subgraph', () => {
    const propagated = (config.headers.all.request as Array<{ propagate?: { named: string } }>).map((r) => r.propagate?.named);
    expect(propagated).toEqual(['authorization', 'x-koe-purpose', 'x-request-id']);
  });

  it('refuses introspection, requires a JWT and passes Koe\'s error codes through', () => {
    expect(config.supergraph.introspection).toBe(false);
    expect(config.authorization.require_authentication).toBe(true);
    expect(config.authentication.router.jwt.jwks[0].algorithms).toEqual(['HS256']);
    expect(config.include_subgraph_errors.all).toBe(true);
  });

  it('enforces Koe\'s cost limit with demand control', () => {
    expect(config.demand_control).toMatchObject({ enabled: true, mode: 'enforce', strategy: { static_estimated: { max: 5000, list_size: 100 } } });
  });

  it('sets no-store and a request id in its script', () => {
    const script = readFileSync(new URL(`../../deploy/router/${config.rhai.main}`, import.meta.url), 'utf8');
    expect(script).toContain('response.headers["cache-control"] = "no-store"');
    expect(script).toContain('request.headers["x-request-id"] = uuid_v4()');
  });
});
