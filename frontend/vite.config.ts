/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { type ProxyOptions, defineConfig } from 'vite';

// The browser calls /api/...; the dev and preview servers forward it to the game server without the prefix, as
// netlify.toml does in production. The server accepts state-changing requests only from allowed origins, so the
// proxy presents the local client's origin (the address `make run` serves it on) whatever port it really runs on.
export function apiProxy(target: string, origin: string): Record<string, ProxyOptions> {
  return {
    '/api': {
      target,
      changeOrigin: true,
      rewrite: (path) => path.replace(/^\/api/, '') || '/',
      configure: (proxy) => {
        proxy.on('proxyReq', (request) => {
          if (request.getHeader('origin')) request.setHeader('origin', origin);
          if (request.getHeader('referer')) request.setHeader('referer', `${origin}/`);
        });
      },
    },
  };
}

const target = process.env.API_URL ?? 'http://127.0.0.1:8000';
const origin = process.env.PROXY_ORIGIN ?? 'http://127.0.0.1:5173';

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy: apiProxy(target, origin) },
  preview: { host: '127.0.0.1', port: 4173, proxy: apiProxy(target, origin) },
  build: { sourcemap: false, chunkSizeWarningLimit: 600 },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    pool: 'threads',
    maxWorkers: 2,
  },
});
