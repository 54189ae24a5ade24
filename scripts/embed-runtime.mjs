// Ships the embed runtime inside the lab, under embed/: the Deploy page fetches these files to
// put them in a deployment's zip, and renders <bunsen-model> with the same code. The lab's build
// builds the runtime with vite.embed.config.ts (in memory) and emits it with the app, so the
// service worker precaches it like any other asset; `vite` (dev) serves the same files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const ORT_DIST = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/wasm'));

/**
 * onnxruntime-web for ONNX deployments, where the runtime's ONNX path looks for it: the
 * package's self-contained wasm build (it finds its WebAssembly next to itself) under the name
 * the runtime imports.
 */
const ONNX_RUNTIME = {
  'ort/ort.wasm.min.mjs': 'ort.wasm.bundle.min.mjs',
  'ort/ort-wasm-simd-threaded.wasm': 'ort-wasm-simd-threaded.wasm',
};

function onnxRuntimeFile(name) {
  const bytes = readFileSync(join(ORT_DIST, ONNX_RUNTIME[name]));
  if (!name.endsWith('.mjs')) return bytes;
  // The package's source map is not shipped; drop the comment that points at it.
  return bytes.toString('utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

async function buildRuntime() {
  const { build } = await import('vite');
  const outputs = await build({
    configFile: join(ROOT, 'vite.embed.config.ts'),
    root: ROOT,
    logLevel: 'warn',
    build: { write: false, emptyOutDir: false },
  });
  const files = new Map();
  for (const output of Array.isArray(outputs) ? outputs : [outputs]) {
    for (const item of output.output) {
      files.set(item.fileName, item.type === 'chunk' ? item.code : item.source);
    }
  }
  return files;
}

/** @returns {import('vite').Plugin} */
export function embedRuntime() {
  let devFiles = null;
  return {
    name: 'bunsen-embed-runtime',
    async generateBundle() {
      if (this.environment?.name && this.environment.name !== 'client') return;
      for (const [fileName, source] of await buildRuntime()) {
        this.emitFile({ type: 'asset', fileName: `embed/${fileName}`, source });
      }
      for (const name of Object.keys(ONNX_RUNTIME)) {
        this.emitFile({ type: 'asset', fileName: `embed/${name}`, source: onnxRuntimeFile(name) });
      }
    },
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        if (!path.startsWith('/embed/')) return next();
        const name = path.slice('/embed/'.length);
        try {
          let source;
          if (name in ONNX_RUNTIME) source = onnxRuntimeFile(name);
          else {
            devFiles ??= buildRuntime();
            source = (await devFiles).get(name);
          }
          if (source === undefined) return next();
          res.setHeader(
            'Content-Type',
            name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript; charset=utf-8',
          );
          res.end(source);
        } catch (error) {
          devFiles = null;
          next(error);
        }
      });
    },
  };
}
