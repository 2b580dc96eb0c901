/** The masker of last resort: any non-null value becomes one constant that carries nothing. */
export const REDACTED = '[REDACTED]';

export function maskRedact(value: unknown): string | null {
  return value == null ? null : REDACTED;
}
