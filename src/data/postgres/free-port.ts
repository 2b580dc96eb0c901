import net from 'node:net';

function listenOn(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
    });
  });
}

/** `preferred` when 127.0.0.1 can bind it now, else a port the OS hands out. There is a small
 * race until postgres binds it: the caller retries on "Address already in use". */
export async function freePort(preferred: number): Promise<number> {
  const port = (await listenOn(preferred)) ?? (await listenOn(0));
  if (port === null) throw new Error('could not find a free TCP port on 127.0.0.1');
  return port;
}
