// Vite builds the desktop app's web front end from `ui/` into `ui/dist`, which Tauri embeds
// (see `frontendDist` in src-tauri/tauri.conf.json). Vitest reads the `test` block below.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

const uiRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: uiRoot,
  // Keep Vite's cache beside the one node_modules, at the repository root.
  cacheDir: '../node_modules/.vite',
  plugins: [svelte(), svelteTesting()],
  // Tauri's dev mode loads this URL (`devUrl`); a fixed port keeps the two in step.
  server: { port: 5173, strictPort: true },
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The window is a recent WebKitGTK (Linux), WKWebView (macOS) or WebView2 (Windows).
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
});
