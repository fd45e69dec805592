import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The portal: web/ → dist/web, served by the node at `/` (src/http/routes/web.ts). During development,
// `npx vite --config web/vite.config.ts` proxies the API to a node started with `npm start`.
const api = process.env.ORTAK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // No inline module preload polyfill: the node's Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/verify', '/docs', '/openapi.json', '/health'].map((p) => [p, api])),
  },
});
