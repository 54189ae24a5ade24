import { describe, expect, it } from 'vitest';
import {
  FittedHashing,
  FittedTfidf,
  fitHashing,
  fitTfidf,
  murmurhash3,
  resolveAnalyzer,
  tokenize,
  type HashingOptions,
  type TfidfOptions,
} from '../../../../src/core/features';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { numberColumn, stringColumn } from '../../../../src/core/table';
import { expectClose, fixture, flatRows } from './fixture';

const { text } = fixture;
const corpus = stringColumn('review', text.corpus, 'text');
const testCorpus = stringColumn('review', text.testCorpus, 'text');

describe('tokenizing', () => {
  it('lowercases and keeps Unicode words of two or more characters', () => {
    const words = tokenize(
      'Café au lait, naïve Über-fox — snake_case 2024 a 日本語 🦊',
      resolveAnalyzer({}, 'x'),
    );
    expect(words).toEqual([
      'café',
      'au',
      'lait',
      'naïve',
      'über',
      'fox',
      'snake_case',
      '2024',
      '日本語',
    ]);
  });
});

describe('TF-IDF (TfidfVectorizer)', () => {
  for (const reference of text.tfidf) {
    it(`matches ${JSON.stringify(reference.options)}`, () => {
      const vectorizer = fitTfidf(corpus, reference.options as TfidfOptions);
      expect(vectorizer.terms).toEqual(reference.terms);
      expectClose(vectorizer.idf, reference.idf, 1e-12, 'idf');
      expectClose(vectorizer.transform(corpus).data, flatRows(reference.train), 1e-6, 'train');
      const copy = FittedTfidf.fromJSON(JSON.parse(JSON.stringify(vectorizer.toJSON())));
      expectClose(copy.transform(testCorpus).data, flatRows(reference.test), 1e-6, 'test');
    });
  }

  it('writes zeros for missing texts and repeated texts only once analysed', () => {
    const column = stringColumn('t', ['red fox', null, 'red fox', 'blue'], 'text');
    const vectorizer = fitTfidf(column);
    expect(vectorizer.outputNames).toEqual(['t:blue', 't:fox', 't:red']);
    const out = vectorizer.transform(column);
    expect(Array.from(out.data.subarray(3, 6))).toEqual([0, 0, 0]);
    expect(out.data.subarray(0, 3)).toEqual(out.data.subarray(6, 9));
  });

  it('explains how to shrink a vocabulary that would not fit in memory', () => {
    const vectorizer = fitTfidf(corpus);
    expect(() => vectorizer.transform(corpus, 64)).toThrow(
      /review.*over the 1 KB limit.*maxFeatures/,
    );
  });
});

describe('hashed term counts (HashingVectorizer)', () => {
  it('hashes UTF-8 strings like MurmurHash3 in scikit-learn', () => {
    for (const { text: value, hash } of text.murmur) expect(murmurhash3(value), value).toBe(hash);
  });

  for (const reference of text.hashing) {
    it(`matches ${JSON.stringify(reference.options)}`, () => {
      const hashing = fitHashing(corpus, reference.options as HashingOptions);
      const copy = FittedHashing.fromJSON(JSON.parse(JSON.stringify(hashing.toJSON())));
      expectClose(copy.transform(corpus).data, flatRows(reference.train), 1e-6);
    });
  }

  it('refuses, naming the column, an output larger than the memory cap', () => {
    const rows = stringColumn('notes', new Array(10_000).fill('some words'), 'text');
    expect(fitHashing(rows, { nFeatures: 2 ** 12 }).transform(rows).cols).toBe(4096);
    const error = (() => {
      try {
        return fitHashing(rows, { nFeatures: 2 ** 16 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(TrainingError);
    expect(error).toMatchObject({ kind: 'too-large', where: 'notes' });
    expect((error as Error).message).toMatch(
      /“notes”.*2\.4 GB.*fewer hash features \(nFeatures: 4096 would fit\)/,
    );
  });

  it('rejects number columns', () => {
    expect(() => fitHashing(numberColumn('x', [1]))).toThrow('needs text or categories');
  });
});
