/**
 * The dashboard: a production build in dist/dashboard with hashed assets, and `vite preview` serving it
 * on 127.0.0.1 with /graphql proxied to the gateway (KOE_GATEWAY_URL), so the page talks to its own
 * origin only. `npm run dashboard` does both.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The gateway's origin: KOE_GATEWAY_URL may be given with or without its /graphql path. */
export function gatewayOrigin(url = process.env.KOE_GATEWAY_URL ?? 'http://127.0.0.1:4000'): string {
  return new URL(url).origin;
}

// Everything the page loads is its own file; no inline script, no third-party host.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Says where /graphql goes, next to the URL vite prints. */
const announce = (target: string): Plugin => ({
  name: 'koe-dashboard-announce',
  configurePreviewServer(server) {
    server.httpServer.once('listening', () => server.config.logger.info(`  Koe dashboard: /graphql → ${target}/graphql (KOE_GATEWAY_URL)`));
  },
});

export default defineConfig(() => {
  const target = gatewayOrigin();
  return {
    root: here,
    base: '/',
    // Vite 8 compiles TSX with oxc; no React plugin (no fast refresh needed for a production build).
    oxc: { jsx: { runtime: 'automatic' as const } },
    plugins: [announce(target)],
    build: {
      outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
      emptyOutDir: true,
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      sourcemap: false,
      chunkSizeWarningLimit: 800,
    },
    preview: {
      host: '127.0.0.1',
      port: Number(process.env.KOE_DASHBOARD_PORT ?? 4180),
      strictPort: true,
      open: false,
      headers: { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' },
      proxy: { '/graphql': { target, changeOrigin: true } },
    },
  };
});
