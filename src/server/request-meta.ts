import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface RequestMeta {
  requestId: string;
  authorization: string | undefined;
  purpose: string | null;
  clientAddress: string | null;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Headers every server reads the same way; a request id from the gateway is kept if well-formed. */
export function requestMeta(req: IncomingMessage): RequestMeta {
  const rid = header(req, 'x-request-id');
  const purpose = header(req, 'x-koe-purpose')?.trim() || null;
  return {
    requestId: rid && REQUEST_ID.test(rid) ? rid : randomUUID(),
    authorization: header(req, 'authorization'),
    purpose,
    clientAddress: req.socket.remoteAddress ?? null,
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
