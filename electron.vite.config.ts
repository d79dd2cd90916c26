/**
 * electron-vite: three builds into out/.
 *
 * - main: out/main/index.js (main process), out/main/agent-process.js (the agent's
 *   utility process), out/main/page-check-worker.js and out/main/wal-checkpoint-worker.js
 *   (its worker threads), ESM because package.json is "type": "module". Every package in
 *   package.json "dependencies" stays external (electron-vite's externalizeDeps, on by
 *   default): better-sqlite3 (native), mqtt, aedes, ws, pino… are loaded from node_modules.
 * - preload: out/preload/preload.cjs, CommonJS, one self-contained file: a sandboxed
 *   preload can only require('electron').
 * - renderer: renderer/index.html → out/renderer, relative base so it loads over file://.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const at = (path: string) => resolve(root, path);

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      // Explicit, on top of the default (all "dependencies"), for the ones that must never be bundled.
      externalizeDeps: { include: ['better-sqlite3', 'mqtt', 'aedes', 'ws'] },
      rolldownOptions: {
        input: {
          index: at('main/electron/index.ts'),
          'agent-process': at('main/electron/agent-process.ts'),
          'page-check-worker': at('main/sync/page-check-worker.ts'),
          'wal-checkpoint-worker': at('main/store/wal-checkpoint-worker.ts'),
        },
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      // Nothing may be left to require() at runtime but electron itself.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: at('main/electron/preload.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          codeSplitting: false,
        },
      },
    },
  },
  renderer: {
    root: at('renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: at('out/renderer'),
      emptyOutDir: true,
      rolldownOptions: {
        input: at('renderer/index.html'),
      },
    },
  },
});
