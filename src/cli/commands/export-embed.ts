import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SavedForecast } from '../../core/forecast/saved';
import type { EnsembleJSON, ModelJSON } from '../../core/model';
import { demoPage, inlineJson, RUNTIME_FILES } from '../../embed/deploy';
import { fromJSON } from '../../embed/load';
import { compileModel } from '../../embed/model';
import type { EmbedFile, ForecastEmbedFile, Signature } from '../../embed/types';
import { CliError } from '../errors';
import type { Output } from '../io';

export { inlineJson, RUNTIME_FILES };

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type ModelFile =
  | { kind: 'model'; path: string; json: ModelJSON | EnsembleJSON }
  | { kind: 'forecast'; path: string; json: SavedForecast };

/** The folder's model.json (a trained model) or, failing that, forecast.json (a forecaster). */
async function readModel(modelDir: string): Promise<ModelFile> {
  for (const kind of ['model', 'forecast'] as const) {
    const path = join(modelDir, `${kind}.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    try {
      return { kind, path, json: JSON.parse(text) as never };
    } catch (error) {
      throw new CliError(`${path} is not JSON: ${(error as Error).message}`, 1);
    }
  }
  throw new CliError(
    `${modelDir} holds no model.json or forecast.json: pass the folder given to “bunsen train --out”, “bunsen automl --out” or “bunsen forecast --out”.`,
    1,
  );
}

/** The embed file, after checking that the runtime can evaluate every part of the model. */
async function embedFileOf(model: ModelFile): Promise<EmbedFile | ForecastEmbedFile> {
  try {
    if (model.kind === 'forecast') {
      await fromJSON(model.json);
      return { format: 'bunsen-embed', version: 1, model: model.json };
    }
    const signature: Signature = compileModel(model.json).signature;
    return { format: 'bunsen-embed', version: 1, signature, model: model.json };
  } catch (error) {
    throw new CliError(`${model.path}: ${(error as Error).message}`, 1);
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
 * and its signature, or a saved forecaster from `bunsen forecast --out`), the runtime (bunsen-embed.js with its ONNX chunk, and the classic-script
 * bunsen-embed.iife.js) and DIR/index.html, a demo page that works from any static host and
 * from file://.
 */
export async function exportEmbed(modelDir: string, outDir: string, io: Output): Promise<number> {
  const file = await embedFileOf(await readModel(modelDir));
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
