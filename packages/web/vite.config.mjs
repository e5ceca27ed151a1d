// Vite config of the dashboard's browser app. Loaded by `npx vite build` in this folder and by
// scripts/bundle.mjs (Vite's `build()` with `root: 'packages/web'`): every path here is taken
// from this file's own folder, never from the process's working directory.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  // The control server serves the page at /dashboard/ (its assets below it).
  base: '/dashboard/',
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1024,
  },
});
