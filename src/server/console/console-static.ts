/** The built console's files (dist/console): hashed assets cached for good, the page always fresh. */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `dist/console` of the project this module runs from. Found by walking up to `package.json`, not
 * by a fixed depth: the sources sit three folders deep, the compiled CLI bundle (dist/cli) two.
 */
export const CONSOLE_DIST = join(projectRootOf(dirname(fileURLToPath(import.meta.url))), 'dist', 'console');

function projectRootOf(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', png: 'image/png',
  woff2: 'font/woff2', json: 'application/json', ico: 'image/x-icon', map: 'application/json',
};

const ASSET = /^\/console\/assets\/([A-Za-z0-9._-]+\.([a-z0-9]+))$/;
export function serveStatic(dist: string, req: IncomingMessage, res: ServerResponse, path: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'GET only' });
  const asset = ASSET.exec(path);
  const file = asset ? join(dist, 'assets', asset[1]!) : join(dist, 'index.html');
  if (!existsSync(file)) {
    if (asset) return sendJson(res, 404, { error: 'not found' });
    res.statusCode = 503;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    return void res.end('The Koe Console is not built: run `npm run build:console`.\n');
  }
  res.statusCode = 200;
  res.setHeader('content-type', asset ? (TYPES[asset[2]!] ?? 'application/octet-stream') : 'text/html; charset=utf-8');
  // Hashed names never change content; the page itself is always fetched afresh.
  if (asset) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
  res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
}

/** A JSON answer (the console's endpoints and refusals). */
export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}
