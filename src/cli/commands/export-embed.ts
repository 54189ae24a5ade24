import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnsembleJSON, ModelJSON } from '../../core/model';
import { demoPage, inlineJson, RUNTIME_FILES } from '../../embed/deploy';
import { compileModel } from '../../embed/model';
import type { EmbedFile, Signature } from '../../embed/types';
import { CliError } from '../errors';
import type { Output } from '../io';

export { inlineJson, RUNTIME_FILES };

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
