/**
 * Which screens a signed-in principal is offered, from `me { roles }`. Offering is a convenience:
 * the API decides what each request may see, so a screen shown by mistake would show nothing more.
 */
export type Screen = 'overview' | 'audit' | 'policy' | 'access' | 'subjects' | 'keys' | 'explorer';

const BY_SCREEN: Record<Exclude<Screen, 'overview'>, readonly string[]> = {
  audit: ['admin', 'auditor', 'dpo'],
  policy: ['admin', 'auditor', 'dpo'],
  access: ['admin', 'auditor'],
  keys: ['admin', 'dpo'],
  // Every role: the Explorer is a client of /graphql like any other, under the caller's policy.
  explorer: ['*'],
  // Data subjects: the DPO's compliance acts (the screen declares the purpose compliance).
  subjects: ['dpo'],
};

export function screensFor(roles: readonly string[]): Screen[] {
  const out: Screen[] = ['overview'];
  for (const [screen, allowed] of Object.entries(BY_SCREEN) as Array<[Screen, readonly string[]]>) {
    if (allowed.includes('*') || roles.some((r) => allowed.includes(r))) out.push(screen);
  }
  return out;
}

/** Grant and revoke are offered to admins; the policy's Mutation rules decide on the server. */
export const canChangeAccess = (roles: readonly string[]) => roles.includes('admin');
