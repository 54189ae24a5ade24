import { TrainingError } from '../../errors/training-error';
import type { Matrix } from '../../learners/types';
import { columnLength, type Column, type StringColumn } from '../../table';
import { codeCounts } from '../categories';
import { DEFAULT_MAX_BYTES, stringInput, transformToMatrix, type SizeAdvice } from '../dense';
import { JsonFields } from '../json';
import type { FittedTransformer, TransformerJSON } from '../types';
import {
  analyze,
  analyzerFromJSON,
  analyzerToJSON,
  resolveAnalyzer,
  type AnalyzerOptions,
  type ResolvedAnalyzer,
} from './analyze';
import { SparseBuilder, writeSparseRows, type SparseVectors, type TextNorm } from './sparse';

export interface TfidfOptions extends AnalyzerOptions {
  /** Keep only the terms most frequent across all rows; every term by default. */
  readonly maxFeatures?: number;
  /** Drop terms in fewer rows: a row count when ≥ 1, a fraction of rows below 1. 1 by default. */
  readonly minDf?: number;
  /** Drop terms in more rows: a fraction of rows when ≤ 1, a row count above 1. 1 by default. */
  readonly maxDf?: number;
  readonly norm?: TextNorm;
  readonly useIdf?: boolean;
  /** idf = ln((1 + n) / (1 + df)) + 1, as if one extra row held every term. On by default. */
  readonly smoothIdf?: boolean;
  /** Use 1 + ln(count) instead of the count. Off by default. */
  readonly sublinearTf?: boolean;
}

export const termName = (column: string, term: string) => `${column}:${term}`;
const NORMS: readonly TextNorm[] = ['l2', 'l1', 'none'];

export const smallerVocabulary: SizeAdvice = (room) =>
  `Use a smaller vocabulary (maxFeatures: ${room} would fit).`;

/** scikit-learn's TfidfVectorizer defaults: counts × smoothed idf, rows of unit L2 norm. */
export class FittedTfidf implements FittedTransformer {
  readonly kind = 'tfidf';
  readonly outputNames: readonly string[];
  private readonly index: Map<string, number>;

  constructor(
    readonly column: string,
    readonly analyzer: ResolvedAnalyzer,
    /** The vocabulary in output order (sorted). */
    readonly terms: readonly string[],
    readonly idf: Float64Array,
    readonly norm: TextNorm,
    readonly sublinearTf: boolean,
  ) {
    this.outputNames = terms.map((term) => termName(column, term));
    this.index = new Map(terms.map((term, position) => [term, position]));
  }

  /** The sparse vector of every dictionary entry that some row uses. */
  vectors(column: StringColumn): SparseVectors {
    const { counts } = codeCounts(column);
    const builder = new SparseBuilder(counts.length, this.terms.length);
    const index = this.index;
    const addTerm = (term: string) => {
      const position = index.get(term);
      if (position !== undefined) builder.add(position, 1);
    };
    for (let code = 0; code < counts.length; code++) {
      if ((counts[code] as number) > 0)
        analyze(column.dictionary[code] as string, this.analyzer, addTerm);
      builder.finish(this.idf, this.norm, this.sublinearTf);
    }
    return builder.build();
  }

  write(input: Column, out: Float32Array, stride: number, offset: number) {
    const column = stringInput(input, 'TF-IDF');
    writeSparseRows(column.codes, this.vectors(column), out, stride, offset);
  }

  transform(input: Column, maxBytes = DEFAULT_MAX_BYTES): Matrix {
    return transformToMatrix(this, input, smallerVocabulary, maxBytes);
  }

  toJSON(): TransformerJSON {
    return {
      kind: this.kind,
      format: 1,
      column: this.column,
      ...analyzerToJSON(this.analyzer),
      terms: this.terms,
      idf: Array.from(this.idf),
      norm: this.norm,
      sublinearTf: this.sublinearTf,
    };
  }

  static fromJSON(json: unknown): FittedTfidf {
    const fields = JsonFields.transformer(json, 'tfidf', 1);
    const column = fields.string('column');
    const terms = fields.strings('terms');
    return new FittedTfidf(
      column,
      analyzerFromJSON(fields, column),
      terms,
      fields.numbers('idf', terms.length),
      fields.oneOf('norm', NORMS),
      fields.boolean('sublinearTf'),
    );
  }
}

/** Document frequency and total count of every term, counting each distinct text once per row. */
function countTerms(column: StringColumn, analyzer: ResolvedAnalyzer) {
  const { counts } = codeCounts(column);
  const ids = new Map<string, number>();
  const terms: string[] = [];
  const documentFrequency: number[] = [];
  const termFrequency: number[] = [];
  const lastEntry: number[] = [];
  for (let code = 0; code < counts.length; code++) {
    const rows = counts[code] as number;
    if (rows === 0) continue;
    analyze(column.dictionary[code] as string, analyzer, (term) => {
      let id = ids.get(term);
      if (id === undefined) {
        id = terms.length;
        ids.set(term, id);
        terms.push(term);
        documentFrequency.push(0);
        termFrequency.push(0);
        lastEntry.push(-1);
      }
      termFrequency[id] = (termFrequency[id] as number) + rows;
      if (lastEntry[id] !== code) {
        lastEntry[id] = code;
        documentFrequency[id] = (documentFrequency[id] as number) + rows;
      }
    });
  }
  return { terms, documentFrequency, termFrequency };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function fitTfidf(input: Column, options: TfidfOptions = {}): FittedTfidf {
  const column = stringInput(input, 'TF-IDF');
  const analyzer = resolveAnalyzer(options, column.name);
  const invalid = (message: string) => new TrainingError('invalid-params', message, column.name);
  const { maxFeatures, minDf = 1, maxDf = 1 } = options;
  const norm = options.norm ?? 'l2';
  if (!NORMS.includes(norm)) throw invalid(`Unknown norm “${norm}”.`);
  if (maxFeatures !== undefined && !(Number.isInteger(maxFeatures) && maxFeatures >= 1)) {
    throw invalid(`maxFeatures must be a whole number ≥ 1, got ${maxFeatures}.`);
  }
  if (!(minDf > 0 && maxDf > 0)) throw invalid('minDf and maxDf must be positive.');
  const documents = columnLength(column);
  const minCount = minDf < 1 ? minDf * documents : minDf;
  const maxCount = maxDf <= 1 ? maxDf * documents : maxDf;
  if (maxCount < minCount) throw invalid('maxDf keeps fewer rows than minDf asks for.');

  const { terms, documentFrequency, termFrequency } = countTerms(column, analyzer);
  let kept = Array.from(terms.keys()).filter((id) => {
    const df = documentFrequency[id] as number;
    return df >= minCount && df <= maxCount;
  });
  if (maxFeatures !== undefined && kept.length > maxFeatures) {
    kept = kept
      .sort(
        (a, b) =>
          (termFrequency[b] as number) - (termFrequency[a] as number) ||
          byText(terms[a] as string, terms[b] as string),
      )
      .slice(0, maxFeatures);
  }
  kept.sort((a, b) => byText(terms[a] as string, terms[b] as string));

  const useIdf = options.useIdf ?? true;
  const smooth = (options.smoothIdf ?? true) ? 1 : 0;
  const idf = Float64Array.from(kept, (id) =>
    useIdf ? Math.log((documents + smooth) / ((documentFrequency[id] as number) + smooth)) + 1 : 1,
  );
  return new FittedTfidf(
    column.name,
    analyzer,
    kept.map((id) => terms[id] as string),
    idf,
    norm,
    options.sublinearTf ?? false,
  );
}
