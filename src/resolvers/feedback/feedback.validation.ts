import { Channel } from '../../schema/enums.js';
import { BadUserInputError } from '../../request/errors.js';
import type { SubmitFeedbackInput } from '../../schema/inputs/feedback.input.js';

export const MAX_BODY_CHARS = 20_000;
const MAX_TAGS = 20;

/** Input as stored, or BAD_USER_INPUT naming the first bad field; nothing is written before this passes. */
export function validateFeedbackInput(input: SubmitFeedbackInput) {
  const body = input.body.trim();
  if (body.length === 0) throw new BadUserInputError('input.body', 'must not be empty');
  if (body.length > MAX_BODY_CHARS) throw new BadUserInputError('input.body', `at most ${MAX_BODY_CHARS} characters`);
  if (input.rating !== undefined && input.rating !== null && (!Number.isInteger(input.rating) || input.rating < 0 || input.rating > 10)) {
    throw new BadUserInputError('input.rating', 'must be an integer from 0 to 10');
  }
  const tags = (input.tags ?? []).map((t) => t.trim()).filter(Boolean);
  if (tags.length > MAX_TAGS || tags.some((t) => t.length > 40)) throw new BadUserInputError('input.tags', `at most ${MAX_TAGS} tags of 40 characters`);
  const receivedAt = input.receivedAt ?? new Date();
  if (Number.isNaN(receivedAt.getTime()) || receivedAt.getTime() > Date.now() + 5 * 60_000) {
    throw new BadUserInputError('input.receivedAt', 'must be a time not in the future');
  }
  return {
    channel: input.channel as Channel,
    subject: input.subject?.trim() || null,
    body,
    rating: input.rating ?? null,
    tags,
    receivedAt,
  };
}
