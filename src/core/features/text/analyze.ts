import { TrainingError } from '../../errors/training-error';
import { JsonFields } from '../json';

export type Analyzer = 'word' | 'char' | 'char_wb';

export interface AnalyzerOptions {
  /** Terms are words, character runs across the whole text, or character runs within words. */
  readonly analyzer?: Analyzer;
  /** The shortest and longest n-grams, in words or characters: [1, 1] by default. */
  readonly ngramRange?: readonly [number, number];
  readonly lowercase?: boolean;
  /** Words shorter than this are skipped: 2 by default, as scikit-learn's `\b\w\w+\b`. */
  readonly minTokenLength?: number;
}

export interface ResolvedAnalyzer {
  readonly analyzer: Analyzer;
  readonly ngramRange: readonly [number, number];
  readonly lowercase: boolean;
  readonly minTokenLength: number;
}

const ANALYZERS: readonly Analyzer[] = ['word', 'char', 'char_wb'];
/** Runs of two or more whitespace characters, which character analyzers read as one space. */
const WHITESPACE_RUNS = /\s\s+/g;
const WHITESPACE = /\s+/;
const SURROGATE = /[\uD800-\uDFFF]/;
const wordPatterns = new Map<number, RegExp>();

/** Python's `\w` in Unicode mode: letters, numbers and the underscore. */
function wordPattern(minLength: number): RegExp {
  let pattern = wordPatterns.get(minLength);
  if (!pattern) {
    pattern = new RegExp(`[\\p{L}\\p{N}_]{${minLength},}`, 'gu');
    wordPatterns.set(minLength, pattern);
  }
  return pattern;
}

export function resolveAnalyzer(options: AnalyzerOptions, column: string): ResolvedAnalyzer {
  const analyzer = options.analyzer ?? 'word';
  const [low, high] = options.ngramRange ?? [1, 1];
  const minTokenLength = options.minTokenLength ?? 2;
  const invalid = (message: string) => new TrainingError('invalid-params', message, column);
  if (!ANALYZERS.includes(analyzer)) throw invalid(`Unknown text analyzer “${analyzer}”.`);
  if (!(Number.isInteger(low) && Number.isInteger(high) && low >= 1 && low <= high && high <= 10)) {
    throw invalid(
      `The n-gram range must be whole numbers 1 ≤ low ≤ high ≤ 10, got [${low}, ${high}].`,
    );
  }
  if (!(Number.isInteger(minTokenLength) && minTokenLength >= 1)) {
    throw invalid(`minTokenLength must be a whole number ≥ 1, got ${minTokenLength}.`);
  }
  return {
    analyzer,
    ngramRange: [low, high],
    lowercase: options.lowercase ?? true,
    minTokenLength,
  };
}

export const analyzerToJSON = (options: ResolvedAnalyzer) => ({
  analyzer: options.analyzer,
  ngramRange: [...options.ngramRange],
  lowercase: options.lowercase,
  minTokenLength: options.minTokenLength,
});

export function analyzerFromJSON(fields: JsonFields, column: string): ResolvedAnalyzer {
  const range = fields.numbers('ngramRange', 2);
  return resolveAnalyzer(
    {
      analyzer: fields.oneOf('analyzer', ANALYZERS),
      ngramRange: [range[0] as number, range[1] as number],
      lowercase: fields.boolean('lowercase'),
      minTokenLength: fields.integer('minTokenLength', 1),
    },
    column,
  );
}

/** ASCII characters that Python's `\w` matches: letters, digits and the underscore. */
const ASCII_WORD = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  ASCII_WORD[code] = /[A-Za-z0-9_]/.test(char) ? 1 : 0;
}

/**
 * Word tokens (lowercased unless told otherwise) as scikit-learn's default token pattern finds
 * them. ASCII text is scanned by character code, several times faster than the Unicode regex,
 * which takes over at the first non-ASCII character.
 */
export function tokenize(text: string, options: ResolvedAnalyzer): string[] {
  const source = options.lowercase ? text.toLowerCase() : text;
  const minLength = options.minTokenLength;
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i <= source.length; i++) {
    const code = i < source.length ? source.charCodeAt(i) : 32;
    if (code >= 128) return source.match(wordPattern(minLength)) ?? [];
    if (ASCII_WORD[code]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= minLength) tokens.push(source.slice(start, i));
      start = -1;
    }
  }
  return tokens;
}

function emitWordNgrams(
  tokens: string[],
  [low, high]: readonly [number, number],
  emit: (term: string) => void,
) {
  for (let n = low; n <= Math.min(high, tokens.length); n++) {
    if (n === 1) {
      for (const token of tokens) emit(token);
      continue;
    }
    for (let i = 0; i + n <= tokens.length; i++) emit(tokens.slice(i, i + n).join(' '));
  }
}

/** Characters as code points, so that an emoji is one character as in Python. */
const characters = (text: string): string[] | string =>
  SURROGATE.test(text) ? Array.from(text) : text;

const slice = (chars: string[] | string, start: number, end: number) =>
  typeof chars === 'string' ? chars.slice(start, end) : chars.slice(start, end).join('');

function emitCharNgrams(
  text: string,
  [low, high]: readonly [number, number],
  emit: (term: string) => void,
) {
  const chars = characters(text.replace(WHITESPACE_RUNS, ' '));
  for (let n = low; n <= Math.min(high, chars.length); n++) {
    for (let i = 0; i + n <= chars.length; i++) emit(slice(chars, i, i + n));
  }
}

/** scikit-learn's `char_wb`: n-grams of each word padded with a space on both sides. */
function emitWordBoundedCharNgrams(
  text: string,
  [low, high]: readonly [number, number],
  emit: (term: string) => void,
) {
  for (const word of text.replace(WHITESPACE_RUNS, ' ').split(WHITESPACE)) {
    if (word === '') continue;
    const chars = characters(` ${word} `);
    for (let n = low; n <= high; n++) {
      let offset = 0;
      emit(slice(chars, offset, offset + n));
      while (offset + n < chars.length) {
        offset++;
        emit(slice(chars, offset, offset + n));
      }
      // A word shorter than n is emitted once, whole, and no longer n-grams follow.
      if (offset === 0) break;
    }
  }
}

/** Calls `emit` for every term of the text, repeats included. */
export function analyze(text: string, options: ResolvedAnalyzer, emit: (term: string) => void) {
  if (options.analyzer === 'word') {
    emitWordNgrams(tokenize(text, options), options.ngramRange, emit);
    return;
  }
  const source = options.lowercase ? text.toLowerCase() : text;
  if (options.analyzer === 'char') emitCharNgrams(source, options.ngramRange, emit);
  else emitWordBoundedCharNgrams(source, options.ngramRange, emit);
}
