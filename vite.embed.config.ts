import { defineConfig } from 'vite';

/**
 * The embed runtime as its own bundle, in dist/embed/:
 *   bunsen-embed.js       ES module: load(), <bunsen-model>, the lab's model format
 *   bunsen-embed-onnx.js  the ONNX path, imported only when a model is ONNX
 *   bunsen-embed.iife.js  the same as one classic script (global BunsenEmbed), for file:// pages
 * File names carry no hash: deployments copy them by name.
 */
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/embed',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: true,
    copyPublicDir: false,
    reportCompressedSize: false,
    lib: {
      entry: 'src/embed/index.ts',
      name: 'BunsenEmbed',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'bunsen-embed.js' : 'bunsen-embed.iife.js'),
    },
    rollupOptions: {
      // Vite leaves whitespace in ES library builds; the runtime is shipped as it is built.
      output: {
        minify: true,
        chunkFileNames: 'bunsen-embed-[name].js',
      },
    },
  },
});
