/**
 * One port, HTTPS only. A plain `net.Server` owns the port and looks at the first byte of each
 * connection: a TLS handshake (0x16) goes to the HTTPS server, anything else (plain HTTP) gets a
 * short `400` telling the client to use https, then the connection closes. Without this, a plain
 * HTTP client would wait on a TLS server that never answers it.
 */
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { Server as HttpsServer } from 'node:https';

/** One year; no `includeSubDomains`: Koe does not own the rest of the operator's domain. */
export const HSTS = 'max-age=31536000';

const TLS_HANDSHAKE = 0x16;
/** A client that connects and sends nothing is dropped after this long. */
const FIRST_BYTE_TIMEOUT_MS = 10_000;
const REFUSAL_BODY = 'Koe serves HTTPS only on this port: use https:// instead of http://\n';
const REFUSAL =
  'HTTP/1.1 400 Bad Request\r\n' +
  'Content-Type: text/plain; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\n` +
  'Connection: close\r\n\r\n' +
  REFUSAL_BODY;

export interface HttpsFront {
  port: number;
  /** Drain: stop accepting, let in-flight requests answer, cut what is left after `graceMs`. */
  close(graceMs: number): Promise<void>;
}

export async function listenHttpsOnly(https: HttpsServer, port: number, host: string): Promise<HttpsFront> {
  const silent = function (this: Socket) {
    this.destroy();
  };
  const sockets = new Set<Socket>();
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS);
    socket.once('timeout', silent);
    route(socket);
  });
  const route = (socket: Socket): void => {
    const first = socket.read(1) as Buffer | null;
    if (first === null) return void socket.once('readable', () => route(socket));
    socket.unshift(first);
    socket.setTimeout(0);
    socket.off('timeout', silent);
    if (first[0] === TLS_HANDSHAKE) return void https.emit('connection', socket);
    // Read (and drop) what the client still sends, so closing does not reset the connection
    // before it has read the refusal.
    socket.end(REFUSAL);
    socket.resume();
    setTimeout(() => socket.destroy(), 1_000).unref();
  };
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(port, host, () => resolve());
  });
  // The HTTPS server never listens itself; 'listening' starts Node's per-connection bookkeeping,
  // which closeIdleConnections() and the headers/request timeouts (slow clients) rely on.
  https.emit('listening');
  return {
    port: (front.address() as AddressInfo).port,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const sweep = setInterval(() => https.closeIdleConnections(), 50);
        const cut = setTimeout(() => {
          https.closeAllConnections();
          for (const s of sockets) s.destroy();
        }, graceMs);
        // Resolves once every connection the front accepted has closed.
        front.close(() => {
          clearInterval(sweep);
          clearTimeout(cut);
          resolve();
        });
        // Stops the bookkeeping timer and closes idle keep-alive connections; its callback only
        // reports that the HTTPS server was not listening, which is expected.
        https.close(() => undefined);
      }),
  };
}
