/** Reads of the governance types without rows of their own: the policy's read rule on the type decides, all or nothing. */
import type { KoeContext } from '../../request/context.js';
import { ForbiddenError } from '../../request/errors.js';

export function assertCanReadType(ctx: KoeContext, type: string, field: string, what: string): void {
  if (ctx.access.decide(type, field, {}).decision !== 'PLAIN') throw new ForbiddenError(`Your roles may not read ${what}`);
}
