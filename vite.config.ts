import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The renderer is built once and served two ways: from file:// in the Electron window and by `cityops serve`.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // bench/*.html are benchmark pages (scripts/bench/render.ts, editing.ts), not part of the app.
      input: {
        main: fileURLToPath(new URL('./renderer/index.html', import.meta.url)),
        naive: fileURLToPath(new URL('./renderer/bench/naive.html', import.meta.url)),
        snap: fileURLToPath(new URL('./renderer/bench/snap.html', import.meta.url)),
      },
    },
  },
});
