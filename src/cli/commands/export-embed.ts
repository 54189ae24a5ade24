import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnsembleJSON, ModelJSON } from '../../core/model';
import { compileModel } from '../../embed/model';
import type { EmbedFile, Signature } from '../../embed/types';
import { CliError } from '../errors';
import type { Output } from '../io';

/** The runtime files a deployment needs, as the embed build names them. */
export const RUNTIME_FILES = ['bunsen-embed.js', 'bunsen-embed-onnx.js', 'bunsen-embed.iife.js'];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function readModel(modelDir: string): Promise<ModelJSON | EnsembleJSON> {
  const path = join(modelDir, 'model.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliError(
      `${modelDir} holds no model.json: pass the folder given to “bunsen train --out” or “bunsen automl --out”.`,
      1,
    );
  }
  try {
    return JSON.parse(text) as ModelJSON | EnsembleJSON;
  } catch (error) {
    throw new CliError(`${path} is not JSON: ${(error as Error).message}`, 1);
  }
}

/**
 * Builds the runtime from src/embed with vite.embed.config.ts into a temporary folder, so that an
 * export always carries the runtime of this checkout; falls back to a built dist/embed when Vite
 * is not installed (a production install without dev dependencies).
 */
async function buildRuntime(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  let vite: typeof import('vite') | null = null;
  try {
    vite = await import('vite');
  } catch {
    vite = null;
  }
  if (!vite) {
    const built = join(ROOT, 'dist', 'embed');
    try {
      await stat(join(built, RUNTIME_FILES[0]!));
    } catch {
      throw new CliError(
        'The embed runtime is not built and Vite is missing: run “npm run build:embed”.',
        1,
      );
    }
    return { dir: built, cleanup: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), 'bunsen-embed-'));
  await vite.build({
    configFile: join(ROOT, 'vite.embed.config.ts'),
    root: ROOT,
    logLevel: 'silent',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);

/**
 * JSON that can sit inside a `<script type="application/json">` element: `<` is escaped so that
 * no text in the model (a category, a term) can close the element or open a comment.
 */
export const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function describeModel(model: ModelJSON | EnsembleJSON): string {
  if (model.format === 'bunsen-ensemble') {
    return `An ensemble of ${model.members.map((member) => member.spec.learner).join(', ')}`;
  }
  return `A ${model.spec.learner} model trained on ${model.trainingRows.toLocaleString('en-US')} rows`;
}

/**
 * The demo page: the model inlined as JSON (so no fetch, which file:// pages cannot do) and the
 * runtime as a classic script (module scripts do not load from file://). No inline script code,
 * no inline styles, no event handler attributes: it runs under a strict Content Security Policy.
 */
export function demoPage(file: EmbedFile): string {
  const { signature } = file;
  const model = file.model as ModelJSON | EnsembleJSON;
  const task =
    signature.task === 'classification'
      ? `classifies “${signature.target}” (${signature.classes!.join(', ')})`
      : `predicts “${signature.target}”`;
  const snippet = [
    '<script type="module">',
    "  import { load } from './bunsen-embed.js';",
    "  const model = await load('model.bunsen.json');",
    `  const [prediction] = model.predict([${JSON.stringify(exampleRow(signature))}]);`,
    '</script>',
    '',
    '<script type="module" src="bunsen-embed.js"></script>',
    '<bunsen-model src="model.bunsen.json"></bunsen-model>',
  ].join('\n');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="generator" content="Bunsen" />
    <title>${escapeHtml(signature.target)} · Bunsen model</title>
  </head>
  <body>
    <main id="demo">
      <h1>Predict ${escapeHtml(signature.target)}</h1>
      <p id="summary">${escapeHtml(`${describeModel(model)}; it ${task}.`)} Leave a field empty when the value is unknown.</p>
      <bunsen-model id="model">
        <script type="application/json" id="model-data">${inlineJson(file)}</script>
      </bunsen-model>
      <noscript>This page needs JavaScript to run the model.</noscript>
      <h2>Use it in your own page</h2>
      <pre id="snippet"><code>${escapeHtml(snippet)}</code></pre>
    </main>
    <script src="bunsen-embed.iife.js"></script>
  </body>
</html>
`;
}

/** A row of plausible values for the snippet: the first category, 0, or a date. */
function exampleRow(signature: Signature): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const input of signature.inputs) {
    row[input.name] =
      input.type === 'categorical'
        ? (input.categories?.[0] ?? null)
        : input.type === 'text'
          ? 'some text'
          : input.type === 'datetime'
            ? '2024-01-31'
            : input.type === 'boolean'
              ? true
              : 0;
  }
  return row;
}

/**
 * `bunsen export MODEL_DIR --format embed --out DIR`: writes DIR/model.bunsen.json (the model
 * and its signature), the runtime (bunsen-embed.js with its ONNX chunk, and the classic-script
 * bunsen-embed.iife.js) and DIR/index.html, a demo page that works from any static host and
 * from file://.
 */
export async function exportEmbed(modelDir: string, outDir: string, io: Output): Promise<number> {
  const model = await readModel(modelDir);
  let signature: Signature;
  try {
    // Compiling checks that the runtime can read every part of the model.
    signature = compileModel(model).signature;
  } catch (error) {
    throw new CliError(`${join(modelDir, 'model.json')}: ${(error as Error).message}`, 1);
  }
  const file: EmbedFile = { format: 'bunsen-embed', version: 1, signature, model };
  await mkdir(outDir, { recursive: true });
  const runtime = await buildRuntime();
  try {
    for (const name of RUNTIME_FILES) await copyFile(join(runtime.dir, name), join(outDir, name));
  } finally {
    await runtime.cleanup();
  }
  await writeFile(join(outDir, 'model.bunsen.json'), JSON.stringify(file));
  await writeFile(join(outDir, 'index.html'), demoPage(file));
  io.err(
    `Wrote ${join(outDir, 'model.bunsen.json')}, the runtime (${RUNTIME_FILES.join(', ')}) ` +
      `and ${join(outDir, 'index.html')}, a demo page that also opens from file://.\n`,
  );
  return 0;
}
