import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { NIL_OWNER } from '../../data/encryption/index.js';
import { CustomerEntity, FeedbackEntity } from '../../data/entities/index.js';
import { feedbackPiiFlags } from '../../policies/detector/feedback-flags.js';
import { FeedbackStatus } from '../../schema/enums.js';
import { BadUserInputError, ForbiddenError } from '../../request/errors.js';
import { SubmitFeedbackInput } from '../../schema/inputs/feedback.input.js';
import { Feedback } from '../../schema/types/feedback.type.js';
import type { KoeContext } from '../../request/context.js';
import { withRows } from '../../request/access.js';
import { uuidArg } from '../ids.js';
import { validateFeedbackInput } from './feedback.validation.js';

@Resolver(() => Feedback)
export class FeedbackMutationResolver {
  @Mutation(() => Feedback, { description: 'Records feedback from any channel (ingestion).' })
  async submitFeedback(@Ctx() ctx: KoeContext, @Arg('input', () => SubmitFeedbackInput) input: SubmitFeedbackInput): Promise<FeedbackEntity> {
    ctx.access.assertCanMutate('submitFeedback');
    const clean = validateFeedbackInput(input);
    let customer: CustomerEntity | null = null;
    if (input.customerId) {
      customer = await ctx.em.findOne(CustomerEntity, { id: uuidArg('input.customerId', input.customerId) });
      if (!customer) throw new BadUserInputError('input.customerId', 'no such customer');
    }
    const id = randomUUID();
    const owner = customer?.id ?? NIL_OWNER;
    const key = (await ctx.crypto.ensureKeys(ctx.em, [owner])).get(owner);
    if (!key) throw new BadUserInputError('input.customerId', 'this customer was erased; feedback can no longer be linked to them');
    const feedback = ctx.em.create(FeedbackEntity, {
      id,
      ...ctx.crypto.sealRow(key, 'feedback', id, { ...clean }),
      // From the plaintext: once sealed, subject and body can no longer be scanned without their key.
      piiFlags: feedbackPiiFlags(clean.subject, clean.body),
      piiScannedAt: new Date(),
      customer,
      status: FeedbackStatus.OPEN,
      sentiment: null,
      teamId: customer?.teamId ?? null,
      note: null,
    });
    await ctx.em.flush();
    return feedback;
  }

  @Mutation(() => Feedback, { description: "Moves feedback along its workflow (support agents: their own team's only)." })
  async updateFeedbackStatus(
    @Ctx() ctx: KoeContext,
    @Arg('id', () => ID) id: string,
    @Arg('status', () => FeedbackStatus) status: FeedbackStatus,
  ): Promise<FeedbackEntity> {
    ctx.access.assertCanMutate('updateFeedbackStatus');
    // An entity to change, under the caller's row filter (the read loaders return plain rows).
    const where = withRows(ctx.access, 'Feedback', { id: uuidArg('id', id) });
    const feedback = where === null ? null : await ctx.em.findOne(FeedbackEntity, where);
    // A row the caller cannot see and a row it cannot change look the same: no existence oracle.
    if (!feedback || !ctx.access.canUpdate('Feedback', feedback, 'status')) {
      throw new ForbiddenError('You may not change the status of this feedback');
    }
    feedback.status = status;
    await ctx.em.flush();
    return feedback;
  }
}
