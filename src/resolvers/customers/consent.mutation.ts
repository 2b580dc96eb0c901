/**
 * Consents as the consent platform reports them (ingest) or an administrator corrects them: a
 * grant is a new row (at most one active per customer and purpose, however many grants race), a withdrawal closes the active row and keeps it as history, so
 * `Customer.consents` shows what the customer agreed to and when. Rules conditioned on
 * `consentedPurposes` (marketing) follow from the next request on.
 */
import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { ConsentEntity, CustomerEntity } from '../../data/entities/index.js';
import { BadUserInputError } from '../../request/errors.js';
import { Consent } from '../../schema/types/customer.type.js';
import type { KoeContext } from '../../request/context.js';
import { uuidArg } from '../ids.js';
import { declaredPurposeArg } from '../purpose-arg.js';

function sourceArg(source: string): string {
  const clean = source.trim();
  if (!clean || clean.length > 32) throw new BadUserInputError('source', 'name where the consent was given or withdrawn (1–32 characters, e.g. web, store, app)');
  return clean;
}

@Resolver(() => Consent)
export class ConsentMutationResolver {
  @Mutation(() => Consent, { description: 'Records a customer’s consent to a declared purpose; an active consent to it is returned unchanged.' })
  async recordConsent(
    @Ctx() ctx: KoeContext,
    @Arg('customerId', () => ID) customerId: string,
    @Arg('purpose', () => String) purpose: string,
    @Arg('source', () => String) source: string,
  ): Promise<ConsentEntity> {
    ctx.access.assertCanMutate('recordConsent');
    const { customer, active } = await target(ctx, customerId, purpose);
    // Idempotent: the consent platform may resend a grant; the first grant's time is what counts.
    if (active) return active;
    // Concurrent grants: the partial unique index (one active consent per customer and purpose)
    // turns every insert but the first into a no-op, and each caller returns the one active row.
    // Waiting on the index, a losing insert reads the winner once it commits (READ COMMITTED).
    await ctx.em.execute(
      `insert into consent (id, customer_id, purpose, granted_at, withdrawn_at, source) values (?, ?, ?, ?, null, ?)
       on conflict (customer_id, purpose) where withdrawn_at is null do nothing`,
      [randomUUID(), customer.id, purpose, new Date(), sourceArg(source)],
    );
    return ctx.em.findOneOrFail(ConsentEntity, { customer: customer.id, purpose, withdrawnAt: null }, { refresh: true });
  }

  @Mutation(() => Consent, { description: 'Withdraws a customer’s active consent to a purpose; the row stays as history with withdrawnAt.' })
  async withdrawConsent(
    @Ctx() ctx: KoeContext,
    @Arg('customerId', () => ID) customerId: string,
    @Arg('purpose', () => String) purpose: string,
    @Arg('source', () => String) source: string,
  ): Promise<ConsentEntity> {
    ctx.access.assertCanMutate('withdrawConsent');
    const { active } = await target(ctx, customerId, purpose);
    if (!active) throw new BadUserInputError('purpose', `the customer has no active consent to "${purpose}"`);
    sourceArg(source);
    // The row keeps the grant's source; the withdrawal's is in the request's audit event.
    ctx.em.assign(active, { withdrawnAt: new Date() });
    await ctx.em.flush();
    return active;
  }
}

async function target(ctx: KoeContext, customerId: string, purpose: string): Promise<{ customer: CustomerEntity; active: ConsentEntity | null }> {
  const id = uuidArg('customerId', customerId);
  declaredPurposeArg(ctx.access, 'purpose', purpose);
  const customer = await ctx.em.findOne(CustomerEntity, { id });
  if (!customer || customer.erasedAt) throw new BadUserInputError('customerId', `no customer "${customerId}"`);
  const active = await ctx.em.findOne(ConsentEntity, { customer: id, purpose, withdrawnAt: null });
  return { customer, active };
}
