/**
 * A server's whole answer to one request, before it is written to a socket or handed to a caller
 * in the same process (src/server/local-call.ts): both paths build the same answers from one code path.
 */
import type { ServerResponse } from 'node:http';
import type { HandedResult } from './handover.js';

export interface Answer {
  status: number;
  headers: Array<[string, string]>;
  /** The body in full, or Apollo's chunks for an incremental response. */
  body: string | AsyncIterable<string>;
  /** An in-process call's answer handed over as an object (src/server/handover.ts): `body` is then ''. */
  result?: HandedResult;
}

const JSON_TYPE: [string, string] = ['content-type', 'application/json; charset=utf-8'];

export function jsonAnswer(status: number, payload: unknown, headers: Array<[string, string]> = []): Answer {
  return { status, headers: [JSON_TYPE, ...headers], body: JSON.stringify(payload) };
}

export async function writeAnswer(res: ServerResponse, answer: Answer): Promise<void> {
  for (const [k, v] of answer.headers) res.setHeader(k, v);
  res.statusCode = answer.status;
  if (typeof answer.body === 'string') {
    // Encoded once here: handed a string, Node measures its UTF-8 length and then encodes it again
    // for the socket, allocating a second copy of the body (about 60 KiB for the dashboard).
    res.end(Buffer.from(answer.body, 'utf8'));
    return;
  }
  for await (const chunk of answer.body) res.write(chunk);
  res.end();
}

export async function bodyText(answer: Answer): Promise<string> {
  if (typeof answer.body === 'string') return answer.body;
  let text = '';
  for await (const chunk of answer.body) text += chunk;
  return text;
}
