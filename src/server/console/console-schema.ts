/**
 * The Explorer's schema for a signed-in principal: the client-facing SDL cut down to what its roles
 * can ever use (`koe schema --role`, src/schema/role-schema.ts; several roles: the union of their
 * cuts), the whole SDL for a role that may introspect. Introspection stays admin-only in production
 * (limits/introspection.plugin.ts); this gives everyone else completion without it, and without
 * naming a type or field their policy never lets them read. Computed once per role set and policy.
 */
import { mergeTypeDefs } from '@graphql-tools/merge';
import { print } from 'graphql';
import type { PolicySet } from '../../policies/index.js';
import { roleSchemaSdl } from '../../schema/role-schema.js';
import { apiSchemaSdl } from '../api-schema.js';
import { mayIntrospect } from '../limits/introspection.plugin.js';

export class CallerSchemas {
  private full: Promise<string> | null = null;
  private readonly byRoles = new Map<string, Promise<string | null>>();

  constructor(
    private readonly policy: PolicySet,
    private readonly fullSdl: () => Promise<string> = apiSchemaSdl,
  ) {}

  /** The SDL these roles may see; null when they can read nothing at all. */
  sdlFor(roles: readonly string[]): Promise<string | null> {
    const key = [...new Set(roles)].sort().join(' ');
    let sdl = this.byRoles.get(key);
    if (!sdl) {
      this.byRoles.set(key, (sdl = this.compute(key ? key.split(' ') : [])));
      sdl.catch(() => this.byRoles.delete(key));
    }
    return sdl;
  }

  private async compute(roles: readonly string[]): Promise<string | null> {
    this.full ??= this.fullSdl();
    const full = await this.full;
    if (mayIntrospect(roles)) return full;
    // Unknown roles and roles that can read nothing add nothing (deny by default).
    const cuts = roles.filter((r) => this.policy.roles.has(r)).flatMap((r) => {
      try {
        return [roleSchemaSdl(full, this.policy, r)];
      } catch (e) {
        if (e instanceof Error && e.message.includes('can read nothing at all')) return [];
        throw e;
      }
    });
    if (cuts.length === 0) return null;
    return cuts.length === 1 ? cuts[0]! : print(mergeTypeDefs(cuts));
  }
}
