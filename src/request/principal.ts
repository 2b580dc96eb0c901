/** Who is calling, as the database says now: roles never come from the token. */
export interface AuthenticatedPrincipal {
  readonly id: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly teamId: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}
