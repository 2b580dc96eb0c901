import { BadUserInputError } from '../request/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids of customers and feedback are UUIDs; anything else is refused before it reaches SQL. */
export function uuidArg(argument: string, value: string): string {
  if (!UUID.test(value)) throw new BadUserInputError(argument, 'not a valid id');
  return value.toLowerCase();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
