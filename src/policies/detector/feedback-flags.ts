/**
 * The `piiFlags` of one feedback item: the kinds of personal data found in what the customer
 * wrote, subject and body alike (customers type e-mails and phone numbers into subjects too).
 * One function for intake, the demo seed and the back-fill, so all three flag the same way.
 */
import { piiCategoriesIn } from './categories.js';

export function feedbackPiiFlags(subject: string | null | undefined, body: string | null | undefined, known: readonly string[] = []): string[] {
  return [...new Set([...known, ...piiCategoriesIn(subject), ...piiCategoriesIn(body)])].sort();
}
