import { EmbedError } from './errors';
import { Fields } from './json';
import { compileEstimator, type RawPrediction } from './learners';
import { compilePipeline } from './pipeline';
import { readColumns } from './rows';
import type {
  BunsenModel,
  ColumnValues,
  Prediction,
  Signature,
  SignatureInput,
  Task,
} from './types';

/** A fitted model or ensemble, compiled: what it reads and how it predicts from columns. */
interface Compiled {
  readonly target: string;
  readonly task: Task;
  readonly classes: readonly string[] | null;
  readonly inputs: readonly SignatureInput[];
  /** Input columns the model was given but dropped: rows may hold them. */
  readonly dropped: ReadonlySet<string>;
  run(columns: ReadonlyMap<string, ColumnValues>, rows: number): RawPrediction;
}

function header(f: Fields) {
  const task = f.oneOf('task', ['classification', 'regression'] as const);
  const classes = task === 'classification' ? f.strings('classes') : null;
  if (classes && classes.length < 2) f.fail('classes', 'at least two class labels');
  return { task, classes };
}

/** A single model (the lab's ModelJSON): its feature pipeline, then its learner. */
function compileSingle(f: Fields): Compiled {
  if (f.raw('format') !== 'bunsen-model' || f.raw('version') !== 1) {
    f.fail('format', '“bunsen-model” version 1');
  }
  const { task, classes } = header(f);
  const pipeline = compilePipeline(f.object('pipeline'));
  const estimator = compileEstimator(f.object('estimator'), task, classes?.length ?? 0);
  if (estimator.features !== pipeline.width) {
    f.fail('estimator', `a learner of ${pipeline.width} features, as the pipeline writes`);
  }
  const names = new Set(pipeline.inputs.map((input) => input.name));
  const features = f.raw('features');
  const dropped = new Set(
    Array.isArray(features) ? features.filter((name) => !names.has(name)).map(String) : [],
  );
  return {
    target: f.object('spec').string('target'),
    task,
    classes,
    inputs: pipeline.inputs,
    dropped,
    run(columns, rows) {
      const data = new Float32Array(rows * pipeline.width);
      pipeline.write(columns, data);
      if (!estimator.handlesMissing) {
        const bad = data.findIndex((value) => !Number.isFinite(value));
        if (bad >= 0) {
          const row = Math.floor(bad / pipeline.width);
          const at = bad - row * pipeline.width;
          const block = pipeline.blocks.find((b) => at >= b.offset && at < b.offset + b.width);
          const column = block?.column ?? '';
          throw new EmbedError(
            `Row ${row + 1} (rows[${row}]), column “${column}”: this model's features for the ` +
              'column are missing or infinite, and its learner cannot use missing values.',
            column,
            row,
          );
        }
      }
      return estimator.run({ rows, cols: pipeline.width, data });
    },
  };
}

/** Merges the inputs of several pipelines, one entry per column (categories united). */
function mergeInputs(f: Fields, lists: readonly (readonly SignatureInput[])[]): SignatureInput[] {
  const merged = new Map<string, SignatureInput>();
  const order = ['day', 'hour', 'minute'];
  for (const input of lists.flat()) {
    const seen = merged.get(input.name);
    if (!seen) merged.set(input.name, input);
    else if (seen.type !== input.type)
      f.fail('members', `members that agree on the type of “${input.name}”`);
    else {
      merged.set(input.name, {
        ...seen,
        ...(seen.categories && {
          categories: [...new Set([...seen.categories, ...(input.categories ?? [])])].sort(),
        }),
        ...(seen.resolution && {
          resolution:
            order.indexOf(input.resolution!) > order.indexOf(seen.resolution)
              ? input.resolution
              : seen.resolution,
        }),
      });
    }
  }
  return [...merged.values()];
}

/** A weighted ensemble (the lab's EnsembleJSON): averaged probabilities or values. */
function compileEnsemble(f: Fields): Compiled {
  if (f.raw('version') !== 1) f.fail('version', '1');
  const { task, classes } = header(f);
  const members = f.objects('members').map(compileSingle);
  const raw = f.numbers('weights', members.length);
  const total = raw.reduce((sum, w) => sum + w, 0);
  if (!members.length || !(total > 0) || raw.some((w) => w < 0)) {
    f.fail('weights', 'non-negative weights, one per member, summing above 0');
  }
  // Normalized again on reading, as the lab does when it loads an ensemble.
  const weights = raw.map((w) => w / total);
  const target = f.string('target');
  members.forEach((member) => {
    if (
      member.target !== target ||
      member.task !== task ||
      String(member.classes) !== String(classes)
    ) {
      f.fail(
        'members',
        `members that all predict “${target}”${classes ? ` as ${classes.join(', ')}` : ''}`,
      );
    }
  });
  const inputs = mergeInputs(
    f,
    members.map((member) => member.inputs),
  );
  const names = new Set(inputs.map((input) => input.name));
  const dropped = new Set(
    members.flatMap((member) => [...member.dropped]).filter((name) => !names.has(name)),
  );
  return {
    target,
    task,
    classes,
    inputs,
    dropped,
    run(columns, rows) {
      const k = classes?.length ?? 1;
      const sum = new Float64Array(rows * k);
      members.forEach((member, m) => {
        const w = weights[m]!;
        if (w === 0) return;
        const out = member.run(columns, rows);
        const values = classes ? out.proba! : out.predicted;
        for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + w * values[i]!;
      });
      if (!classes) return { predicted: sum, proba: null };
      const predicted = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (sum[i * k + c]! > sum[i * k + best]!) best = c;
        predicted[i] = best;
      }
      return { predicted, proba: sum };
    },
  };
}

/** Compiles the lab's ModelJSON or EnsembleJSON into a model that predicts plain rows. */
export function compileModel(json: unknown, path = 'model'): BunsenModel {
  const f = Fields.of(json, path);
  const format = f.oneOf('format', ['bunsen-model', 'bunsen-ensemble']);
  const compiled = format === 'bunsen-model' ? compileSingle(f) : compileEnsemble(f);
  const { task, classes, inputs, dropped } = compiled;
  const signature: Signature = { target: compiled.target, task, classes, inputs };
  return {
    kind: 'bunsen',
    signature,
    predict(rows, options) {
      const columns = readColumns(rows, inputs, dropped, options);
      const { predicted, proba } = compiled.run(columns, rows.length);
      return Array.from(predicted, (value, i): Prediction => {
        if (!classes) return { value };
        const probabilities: Record<string, number> = Object.create(null);
        classes.forEach((label, c) => (probabilities[label] = proba![i * classes.length + c]!));
        return { label: classes[value]!, probabilities };
      });
    },
  };
}
