import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { loadPredictor, type Predictor } from '../../core/model';
import { valueAt } from '../../core/table';
import { CliError } from '../errors';
import { readScoringTable, requireFeatures, type Output } from '../io';

export const PREDICT_USAGE = 'bunsen predict MODEL_DIR --data FILE.csv [--out PRED.csv]';

async function loadModel(dir: string): Promise<Predictor> {
  let text: string;
  try {
    text = await readFile(join(dir, 'model.json'), 'utf8');
  } catch {
    throw new CliError(
      `${dir} holds no model.json: pass the folder given to “bunsen train --out” or “bunsen automl --out”.`,
      1,
    );
  }
  try {
    return loadPredictor(JSON.parse(text));
  } catch (error) {
    throw new CliError(`${join(dir, 'model.json')}: ${(error as Error).message}`, 1);
  }
}

export async function predict(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { data: { type: 'string' }, out: { type: 'string' } },
  });
  const [dir, ...extra] = positionals;
  if (!dir || extra.length || !values.data) throw new CliError(`Usage: ${PREDICT_USAGE}`);
  const model = await loadModel(dir);
  const table = await readScoringTable(values.data, model.inputTypes, (text) => io.err(text));
  requireFeatures(values.data, table, model.features);
  const predictions = model.predict(table);
  const fields = ['prediction'];
  const rows: (string | number | null)[][] = Array.from({ length: table.rowCount }, (_, row) => [
    valueAt(predictions, row),
  ]);
  if (model.task === 'classification') {
    const { classes, proba } = model.predictProba(table);
    fields.push(...classes.map((label) => `proba:${label}`));
    rows.forEach((cells, row) => {
      for (let c = 0; c < classes.length; c++)
        cells.push(proba[row * classes.length + c] as number);
    });
  }
  const csv = `${Papa.unparse({ fields, data: rows }, { newline: '\n' })}\n`;
  if (values.out) {
    await writeFile(values.out, csv);
    io.err(`Wrote ${table.rowCount} predictions to ${values.out}.\n`);
  } else io.out(csv);
  return 0;
}
