import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Tests run on Node 20 by design (the project's supported runtime); the SDK's notice about its future Node 22
// requirement would otherwise repeat in every test worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sharedSource = fileURLToPath(new URL('./shared/src/index.ts', import.meta.url));
const serverPort = process.env.PORT ?? '3000';

/** The dashboard's build (client/ → client/dist, served by the server) and every Vitest project. */
export default defineConfig({
  root: 'client',
  plugins: [react()],
  resolve: { alias: { '@tickwatch/shared': sharedSource } },
  // The manifest names each page's chunks, which `npm run bench:ui` weighs (e2e/bench/ui.bench.ts).
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, manifest: true },
  server: {
    proxy: {
      '/api': `http://127.0.0.1:${serverPort}`,
      '/socket.io': { target: `ws://127.0.0.1:${serverPort}`, ws: true },
    },
  },
  test: {
    root: '.',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          root: '.',
          include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          root: '.',
          include: ['server/test/**/*.test.ts'],
          globalSetup: ['server/test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
