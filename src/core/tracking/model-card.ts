import type { ModelSignature } from './signature';

export interface ModelCardClassMetrics {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ModelCardDataset {
  name: string;
  version: number | null;
  rows: number | null;
  contentHash: string;
}

/** Everything known about one model version, gathered by the registry; the renderer only formats. */
export interface ModelCardData {
  modelName: string;
  modelDescription: string;
  version: number;
  createdAt: number;
  createdBy: string;
  description: string;
  stage: string;
  aliases: string[];
  tags: string[];
  source:
    | { kind: 'run'; runName: string; runId: string; experiment: string }
    | { kind: 'onnx'; fileName: string };
  params: Record<string, string | number | boolean | null>;
  seed: number | null;
  backend: string | null;
  data: ModelCardDataset[];
  metrics: Record<string, number | null>;
  perClassMetrics: ModelCardClassMetrics[];
  signature: ModelSignature | null;
  /** Written by people: what the model is for and what it must not be used for. */
  intendedUse: string;
  limitations: string;
}

export type ModelCardFormat = 'markdown' | 'html';

const NOT_WRITTEN = 'Not written yet.';

export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Section {
  title: string;
  paragraphs?: string[];
  /** Text a person wrote: kept as their own paragraphs. */
  prose?: string;
  table?: { head: string[]; rows: string[][] };
  list?: string[];
}

function describeInput(input: ModelSignature['inputs'][number]): string {
  if (input.allowed?.length) {
    const shownValues = input.allowed.slice(0, 20).map(String).join(', ');
    return input.allowed.length > 20
      ? `${shownValues}, … (${input.allowed.length} values)`
      : shownValues;
  }
  if (input.min !== undefined || input.max !== undefined) {
    return `${formatMetric(input.min)} to ${formatMetric(input.max)}`;
  }
  return '';
}

function sections(card: ModelCardData): Section[] {
  const source =
    card.source.kind === 'run'
      ? `Trained in run “${card.source.runName}” (${card.source.runId}) of experiment “${card.source.experiment}”.`
      : `Imported from the ONNX file “${card.source.fileName}”.`;
  const details = [
    `Version ${card.version}, registered ${isoDate(card.createdAt)} by ${card.createdBy}. Stage: ${card.stage}.`,
    source,
  ];
  if (card.aliases.length) details.push(`Aliases: ${card.aliases.join(', ')}.`);
  if (card.tags.length) details.push(`Tags: ${card.tags.join(', ')}.`);
  if (card.backend || card.seed !== null) {
    details.push(
      [
        card.backend ? `Backend: ${card.backend}.` : '',
        card.seed !== null ? `Seed: ${card.seed}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
  }
  const description = [card.modelDescription, card.description].filter((text) => text.trim());
  const out: Section[] = [{ title: 'Model details', paragraphs: details }];
  if (description.length) out[0]?.paragraphs?.unshift(...description);
  out.push({ title: 'Intended use', prose: card.intendedUse.trim() || NOT_WRITTEN });
  out.push({ title: 'Limitations', prose: card.limitations.trim() || NOT_WRITTEN });
  out.push(
    card.data.length
      ? {
          title: 'Training data',
          table: {
            head: ['Dataset', 'Version', 'Rows', 'Content hash (sha-256)'],
            rows: card.data.map((dataset) => [
              dataset.name,
              dataset.version === null ? '—' : String(dataset.version),
              formatMetric(dataset.rows),
              dataset.contentHash,
            ]),
          },
        }
      : { title: 'Training data', paragraphs: ['No dataset versions were recorded.'] },
  );
  const metricNames = Object.keys(card.metrics).sort();
  out.push(
    metricNames.length
      ? {
          title: 'Metrics',
          table: {
            head: ['Metric', 'Value'],
            rows: metricNames.map((name) => [name, formatMetric(card.metrics[name])]),
          },
        }
      : { title: 'Metrics', paragraphs: ['No metrics were recorded.'] },
  );
  if (card.perClassMetrics.length) {
    out.push({
      title: 'Per-class metrics',
      table: {
        head: ['Class', 'Precision', 'Recall', 'F1', 'Support'],
        rows: card.perClassMetrics.map((row) => [
          row.class,
          formatMetric(row.precision),
          formatMetric(row.recall),
          formatMetric(row.f1),
          formatMetric(row.support),
        ]),
      },
    });
  }
  const paramNames = Object.keys(card.params).sort();
  if (paramNames.length) {
    out.push({
      title: 'Parameters',
      table: {
        head: ['Parameter', 'Value'],
        rows: paramNames.map((name) => [name, String(card.params[name])]),
      },
    });
  }
  if (card.signature) {
    out.push({
      title: 'Inputs',
      table: {
        head: ['Input', 'Type', 'Allowed values'],
        rows: card.signature.inputs.map((input) => [input.name, input.type, describeInput(input)]),
      },
    });
    const output = card.signature.output;
    out.push({
      title: 'Output',
      paragraphs: [
        output.kind === 'classification'
          ? `Classification into ${output.classes?.length ?? 0} classes: ${(output.classes ?? []).join(', ')}.`
          : output.kind === 'regression'
            ? `A number${output.name ? ` (${output.name})` : ''}.`
            : `${output.name ?? 'Model-specific output'}.`,
      ],
    });
  } else {
    out.push({ title: 'Inputs', paragraphs: ['The input signature was not recorded.'] });
  }
  return out;
}

// ── Markdown ──────────────────────────────────────────────────────────────────────────────

/** Text in Markdown that must read literally: no emphasis, links or raw HTML from names. */
const markdownText = (text: string) =>
  text
    .replace(/[\\`*_[\]#|~]/g, (char) => `\\${char}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');

/** Prose a person wrote keeps its Markdown (lists, emphasis) but not raw HTML. */
const markdownProse = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r\n/g, '\n');

function toMarkdown(card: ModelCardData): string {
  const lines = [`# Model card: ${markdownText(card.modelName)} v${card.version}`, ''];
  for (const section of sections(card)) {
    lines.push(`## ${section.title}`, '');
    for (const paragraph of section.paragraphs ?? []) lines.push(markdownText(paragraph), '');
    if (section.prose !== undefined) lines.push(markdownProse(section.prose), '');
    if (section.table) {
      lines.push(`| ${section.table.head.map(markdownText).join(' | ')} |`);
      lines.push(`|${section.table.head.map(() => ' --- ').join('|')}|`);
      for (const row of section.table.rows) lines.push(`| ${row.map(markdownText).join(' | ')} |`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

// ── HTML ──────────────────────────────────────────────────────────────────────────────────

export const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const htmlProse = (text: string) =>
  text
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => `<p>${escapeHtml(paragraph.trim()).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');

const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}' +
  'table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccd;padding:.25rem .6rem;text-align:left}' +
  'td{font-variant-numeric:tabular-nums}h2{margin-top:2rem;border-bottom:1px solid #dde}';

function toHtml(card: ModelCardData): string {
  const title = `Model card: ${card.modelName} v${card.version}`;
  const body: string[] = [`<h1>${escapeHtml(title)}</h1>`];
  for (const section of sections(card)) {
    body.push(`<h2>${escapeHtml(section.title)}</h2>`);
    for (const paragraph of section.paragraphs ?? []) body.push(`<p>${escapeHtml(paragraph)}</p>`);
    if (section.prose !== undefined) body.push(htmlProse(section.prose));
    if (section.table) {
      const head = section.table.head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('');
      const rows = section.table.rows
        .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
        .join('\n');
      body.push(`<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`);
    }
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A model card as a Markdown or a self-contained HTML document (no scripts, all text escaped). */
export function renderModelCard(card: ModelCardData, format: ModelCardFormat): string {
  return format === 'html' ? toHtml(card) : toMarkdown(card);
}
