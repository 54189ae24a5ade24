/**
 * What a deployment is made of, shared by `bunsen export --format embed` and the lab's Deploy
 * page: the embed file, the demo page and the snippets to copy. Pure functions of the model, so
 * the command line and the browser write the same files. Not part of the runtime bundle.
 */
import type { EnsembleJSON, ModelJSON } from '../core/model/model';
import type { ModelSignature } from '../core/tracking/signature';
import { EmbedError } from './errors';
import type { EmbedFile, ForecastEmbedFile, InputType, Signature, SignatureInput } from './types';

/** The runtime files a deployment needs, as the embed build names them. */
export const RUNTIME_FILES = [
  'bunsen-embed.js',
  'bunsen-embed-onnx.js',
  'bunsen-embed-forecast.js',
  'bunsen-embed.iife.js',
];
/**
 * onnxruntime-web for ONNX models, where the runtime looks for it (`ort/ort.wasm.min.mjs`
 * next to the runtime file): the package's self-contained wasm build and its WebAssembly.
 */
export const ONNX_RUNTIME_FILES = ['ort/ort.wasm.min.mjs', 'ort/ort-wasm-simd-threaded.wasm'];

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

const isOnnx = (file: EmbedFile) => (file.model as { format?: string }).format === 'onnx';

function describeModel(file: EmbedFile): string {
  if (isOnnx(file)) return 'An ONNX model';
  const model = file.model as ModelJSON | EnsembleJSON;
  if (model.format === 'bunsen-ensemble') {
    return `An ensemble of ${model.members.map((member) => member.spec.learner).join(', ')}`;
  }
  return `A ${model.spec.learner} model trained on ${model.trainingRows.toLocaleString('en-US')} rows`;
}

/** A row of plausible values for the snippet: the first category, 0, or a date. */
export function exampleRow(signature: Signature): Record<string, unknown> {
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

export interface Snippets {
  /** One line for any page: the classic script and the element, which fetches the model file. */
  readonly element: string;
  /** The module form: `load()` and `predict()` in the page's own code. */
  readonly module: string;
}

export function snippets(signature: Signature | null): Snippets {
  if (!signature) return forecastSnippets();
  return {
    element:
      '<script src="bunsen-embed.iife.js"></script><bunsen-model src="model.bunsen.json"></bunsen-model>',
    module: [
      '<script type="module">',
      "  import { load } from './bunsen-embed.js';",
      "  const model = await load('model.bunsen.json');",
      `  const [prediction] = await model.predict([${JSON.stringify(exampleRow(signature))}]);`,
      '</script>',
    ].join('\n'),
  };
}

function forecastSnippets(steps = 12): Snippets {
  return {
    element:
      '<script src="bunsen-embed.iife.js"></script><bunsen-model src="model.bunsen.json"></bunsen-model>',
    module: [
      '<script type="module">',
      "  import { load } from './bunsen-embed.js';",
      "  const model = await load('model.bunsen.json');",
      `  const forecast = model.forecast(${steps}); // [{ time, value, lo, hi }], 80 % intervals`,
      '</script>',
    ].join('\n'),
  };
}

export const isForecastFile = (file: EmbedFile | ForecastEmbedFile): file is ForecastEmbedFile =>
  (file.model as { format?: string }).format === 'bunsen-forecast';

/**
 * The demo page: the model inlined as JSON (so no fetch, which file:// pages cannot do) and the
 * runtime as a classic script (module scripts do not load from file://). No inline script code,
 * no inline styles, no event handler attributes: it runs under a strict Content Security Policy.
 * An ONNX model is a separate file the page fetches, so its demo needs a web server.
 */
export function demoPage(file: EmbedFile | ForecastEmbedFile): string {
  let heading: string;
  let summary: string;
  let snippet: string;
  if (isForecastFile(file)) {
    const saved = file.model;
    const { element, module } = forecastSnippets(saved.horizon);
    const count = saved.series.length;
    heading = `Forecast ${saved.target}`;
    summary =
      `A forecaster of “${saved.target}” (${saved.frequency}` +
      `${count > 1 ? `, ${count} series` : ''}), searched for ${saved.horizon} steps ahead. ` +
      'Choose how many steps to forecast; the band is the 80 % prediction interval.';
    snippet = `${module}\n\n${element}`;
  } else {
    const { signature } = file;
    const task =
      signature.task === 'classification'
        ? `classifies “${signature.target}” (${signature.classes!.join(', ')})`
        : `predicts “${signature.target}”`;
    const { element, module } = snippets(signature);
    snippet = `${module}\n\n${element}`;
    const served = isOnnx(file)
      ? ' Open this page from a web server (for example: npx serve .): ONNX models cannot load from file://.'
      : '';
    heading = `Predict ${signature.target}`;
    summary = `${describeModel(file)}; it ${task}. Leave a field empty when the value is unknown.${served}`;
  }
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="generator" content="Bunsen" />
    <link rel="icon" href="data:," />
    <title>${escapeHtml(heading.replace(/^\S+ /, ''))} · Bunsen model</title>
  </head>
  <body>
    <main id="demo">
      <h1>${escapeHtml(heading)}</h1>
      <p id="summary">${escapeHtml(summary)}</p>
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

const TYPE_NAMES: Readonly<Record<string, InputType>> = {
  number: 'numeric',
  numeric: 'numeric',
  float: 'numeric',
  double: 'numeric',
  integer: 'integer',
  int: 'integer',
  boolean: 'boolean',
  bool: 'boolean',
  datetime: 'datetime',
  date: 'datetime',
  category: 'categorical',
  categorical: 'categorical',
  string: 'text',
  text: 'text',
};

/**
 * The runtime's signature from a registered model's (the registry spells types `number`,
 * `category` …). A category without its allowed values becomes free text, since the form
 * could offer nothing to choose from.
 */
export function embedSignature(signature: ModelSignature): Signature {
  const { output } = signature;
  if (output.kind === 'other') {
    throw new EmbedError(
      'The model’s output is neither a class nor a number, so it cannot be deployed.',
    );
  }
  const inputs: SignatureInput[] = signature.inputs.map((input) => {
    const type = TYPE_NAMES[input.type.toLowerCase()];
    if (!type) {
      throw new EmbedError(
        `Input “${input.name}” has the type “${input.type}”, which the runtime cannot read.`,
        input.name,
      );
    }
    const categories = (input.allowed ?? []).map(String);
    if (type === 'categorical' && !categories.length) return { name: input.name, type: 'text' };
    return type === 'categorical'
      ? { name: input.name, type, categories: [...new Set(categories)].sort() }
      : { name: input.name, type };
  });
  return {
    target: output.name || 'prediction',
    task: output.kind,
    classes: output.kind === 'classification' ? [...(output.classes ?? [])] : null,
    inputs,
  };
}
