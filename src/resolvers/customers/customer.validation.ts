import { PREFECTURES } from '../../policies/maskers/prefectures.js';
import { BadUserInputError } from '../../request/errors.js';
import type { UpsertCustomerInput } from '../../schema/inputs/customer.input.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9()\- ]{7,20}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function text(argument: string, value: string | undefined, max: number, required = false): string {
  const v = (value ?? '').normalize('NFKC').trim();
  if (required && !v) throw new BadUserInputError(argument, 'must not be empty');
  if (v.length > max) throw new BadUserInputError(argument, `at most ${max} characters`);
  return v;
}

/** Customer input as stored, or BAD_USER_INPUT naming the field; the message never echoes the value. */
export function validateCustomerInput(input: UpsertCustomerInput) {
  const email = text('input.email', input.email, 320, true).toLowerCase();
  if (!EMAIL.test(email)) throw new BadUserInputError('input.email', 'not an e-mail address');
  const phone = text('input.phone', input.phone, 20);
  if (phone && !PHONE.test(phone)) throw new BadUserInputError('input.phone', 'not a phone number');
  const birthDate = text('input.birthDate', input.birthDate, 10);
  if (birthDate && (!DATE.test(birthDate) || Number.isNaN(Date.parse(birthDate)))) {
    throw new BadUserInputError('input.birthDate', 'must be a date as YYYY-MM-DD');
  }
  const address = text('input.address', input.address, 300);
  const prefecture = text('input.prefecture', input.prefecture, 8) || PREFECTURES.find((p) => address.startsWith(p)) || '';
  if (prefecture && !PREFECTURES.includes(prefecture)) throw new BadUserInputError('input.prefecture', 'not one of the 47 prefectures');
  return {
    name: text('input.name', input.name, 100, true),
    nameKana: text('input.nameKana', input.nameKana, 100),
    email,
    phone,
    address,
    prefecture,
    birthDate,
    teamId: input.teamId ?? null,
    segment: input.segment ?? null,
  };
}
