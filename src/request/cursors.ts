/**
 * Signed, typed cursors: a cursor is the sort value and the id of the last row, opaque to clients,
 * signed and tagged with its list, so every malformed, forged or foreign one is BAD_USER_INPUT
 * naming `after` rather than a server error. One instance per server, handed to each request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { derivedKey } from '../crypto/index.js';
import { BadUserInputError } from './errors.js';

export type SortValue = string | number | null;

export interface CursorPosition {
  value: SortValue;
  id: string;
}

/** The cursors of one list in one order: `decode` accepts only cursors `encode` made for the same list. */
export interface ListCursors {
  encode(value: SortValue, id: string): string;
  decode(cursor: string | null | undefined): CursorPosition | null;
}

const MAC_BYTES = 16;
const MAX_CURSOR_LENGTH = 1024;

/**
 * Cursors are `<payload>.<mac>`: the payload names the list and order it came from with the sort
 * value and id of the row; the MAC (HMAC-SHA256 under a key derived for cursors alone) makes a
 * made-up cursor, or one edited to point elsewhere, recognisable before it reaches SQL.
 */
export class Cursors {
  private readonly key: Buffer;

  constructor(secret: Uint8Array) {
    this.key = derivedKey(secret, 'cursor');
  }

  /** `list` names the connection and its order, e.g. `feedbacks:rating:desc`. */
  of(list: string): ListCursors {
    return {
      encode: (value, id) => {
        const payload = Buffer.from(JSON.stringify([list, value, id]), 'utf8').toString('base64url');
        return `${payload}.${this.mac(payload)}`;
      },
      decode: (cursor) => (cursor === null || cursor === undefined ? null : this.open(list, cursor)),
    };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES).toString('base64url');
  }

  private open(list: string, cursor: string): CursorPosition {
    const forged = () => new BadUserInputError('after', 'not a cursor Koe issued; pass an endCursor or cursor from a previous page of this list');
    const dot = cursor.indexOf('.');
    if (dot < 0 || cursor.length > MAX_CURSOR_LENGTH) throw forged();
    const payload = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw forged();
    const [from, value, id] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, SortValue, string];
    if (from !== list) throw new BadUserInputError('after', 'this cursor belongs to another list or order; pass one from a previous page of this list in the same order');
    return { value, id };
  }
}

