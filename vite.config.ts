import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy } from './scripts/csp.mjs';
import { embedRuntime } from './scripts/embed-runtime.mjs';

const cspMeta = (): Plugin => ({
  name: 'bunsen-csp-meta',
  apply: 'build',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy },
      injectTo: 'head-prepend',
    },
  ],
});

export default defineConfig({
  plugins: [
    svelte(),
    cspMeta(),
    embedRuntime(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/icon.svg'],
      manifest: {
        name: 'Bunsen — ML lab in your browser',
        short_name: 'Bunsen',
        description:
          'Import data, train models, run AutoML and track experiments — all on your own device.',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        background_color: '#101418',
        theme_color: '#e8590c',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: [
          '**/*.{js,mjs,css,html,svg,png,ico,wasm,webmanifest}',
          'samples/*.{csv,json}',
        ],
        // The WebAssembly runtimes are large; they are precached so the lab works offline.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  base: './',
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 4096,
  },
  worker: {
    format: 'es',
  },
});
