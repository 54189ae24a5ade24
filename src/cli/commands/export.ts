import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportOnnx, onnxInputs, type OnnxExportOptions } from '../../core/export';
import { loadPredictor, type Predictor } from '../../core/model';
import { CliError } from '../errors';
import type { Output } from '../io';

export const EXPORT_USAGE =
  'bunsen export MODEL_DIR --format onnx|embed --out FILE.onnx|DIR [--numeric-inputs float|double]';

const FORMATS = ['onnx', 'embed'] as const;

/** The `--format embed` half, written as its own module. */
interface EmbedExporter {
  exportEmbed(modelDir: string, outDir: string, io: Output): Promise<number | void>;
}

async function readPredictor(dir: string): Promise<Predictor> {
  const file = join(dir, 'model.json');
  let text: string;
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new CliError(`${dir} is a file: pass the folder that holds model.json.`, 1);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `${dir} holds no model.json: pass the folder given to “bunsen train --out” or “bunsen automl --out”.`,
      1,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`, 1);
  }
  try {
    return loadPredictor(json);
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`, 1);
  }
}

async function packageVersion(): Promise<string | undefined> {
  try {
    const text = await readFile(new URL('../../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function exportToOnnx(
  dir: string,
  out: string,
  options: OnnxExportOptions,
  io: Output,
): Promise<number> {
  const predictor = await readPredictor(dir);
  const version = await packageVersion();
  const bytes = exportOnnx(predictor, {
    ...options,
    ...(version ? { producerVersion: version } : {}),
  });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, bytes);
  const inputs = onnxInputs(predictor, options)
    .map((input) => `${input.name} (${input.elementType})`)
    .join(', ');
  const outputs =
    predictor.task === 'classification'
      ? `label, probabilities [${(predictor.classes ?? []).join(', ')}]`
      : 'variable';
  io.err(`Wrote ${out} (${kib(bytes.length)}).\n  inputs: ${inputs}\n  outputs: ${outputs}\n`);
  return 0;
}

async function exportToEmbed(dir: string, out: string, io: Output): Promise<number> {
  // The embed exporter lives in its own module, loaded only for this format.
  const specifier = './export-embed';
  let embed: EmbedExporter;
  try {
    embed = (await import(/* @vite-ignore */ specifier)) as EmbedExporter;
  } catch (error) {
    throw new CliError(`The embed export is not available: ${(error as Error).message}`, 1);
  }
  return (await embed.exportEmbed(dir, out, io)) ?? 0;
}

export async function exportModel(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      'numeric-inputs': { type: 'string' },
    },
  });
  const [dir, ...extra] = positionals;
  if (!dir || extra.length || !values.format || !values.out) {
    throw new CliError(`Usage: ${EXPORT_USAGE}`);
  }
  const format = values.format;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`Unknown export format “${format}”. Choose one of: ${FORMATS.join(', ')}.`);
  }
  const numeric = values['numeric-inputs'] ?? 'float';
  if (numeric !== 'float' && numeric !== 'double') {
    throw new CliError(`--numeric-inputs must be float or double, got “${numeric}”.`);
  }
  if (format === 'embed') {
    if (values['numeric-inputs'] !== undefined) {
      throw new CliError('--numeric-inputs applies to --format onnx only.');
    }
    return exportToEmbed(dir, values.out, io);
  }
  return exportToOnnx(dir, values.out, { numericInputs: numeric }, io);
}
