import { describe, expect, it } from 'vitest';
import {
  matchesFilter,
  parseFilter,
  type FieldRef,
  type FilterNode,
  type FilterValue,
} from '../../../../src/core/tracking/filter';

const FIELDS = { roots: ['metrics', 'params', 'tags'], attributes: ['status', 'name', 'duration'] };

function parse(expression: string): FilterNode | null {
  const result = parseFilter(expression, FIELDS);
  if (!result.ok) throw new Error(`${result.error.message} @${result.error.position}`);
  return result.node;
}

function error(expression: string) {
  const result = parseFilter(expression, FIELDS);
  if (result.ok) throw new Error(`“${expression}” parsed`);
  return result.error;
}

interface Subject {
  metrics?: Record<string, number | null>;
  params?: Record<string, string | number | boolean | null>;
  tags?: Record<string, string>;
  status?: string;
  name?: string;
  duration?: number;
}

const resolve =
  (subject: Subject) =>
  (field: FieldRef): FilterValue => {
    if (field.key !== undefined) {
      const group = subject[field.root as 'metrics' | 'params' | 'tags'];
      return group?.[field.key];
    }
    return subject[field.root as 'status' | 'name' | 'duration'];
  };

const matches = (expression: string, subject: Subject) =>
  matchesFilter(parse(expression), resolve(subject));

const gbdt: Subject = {
  metrics: { accuracy: 0.93, 'val-loss': 0.2, 'test.f1': 0.8 },
  params: { learner: 'gbdt', trees: 100, 'learning rate': 0.1, early_stop: true, lr: '0.05' },
  tags: { note: 'Tuned by Ada' },
  status: 'finished',
  name: 'gbdt #3',
  duration: 12.5,
};
const forest: Subject = {
  metrics: { accuracy: 0.88 },
  params: { learner: 'forest', trees: 300 },
  status: 'failed',
  name: 'forest',
  duration: 40,
};

describe('run filter', () => {
  it('parses the example from the issue into a tree', () => {
    expect(parse('metrics.accuracy > 0.9 and params.learner = "gbdt"')).toEqual({
      type: 'and',
      left: {
        type: 'compare',
        field: { root: 'metrics', key: 'accuracy', text: 'metrics.accuracy', position: 0 },
        op: '>',
        value: 0.9,
      },
      right: {
        type: 'compare',
        field: { root: 'params', key: 'learner', text: 'params.learner', position: 27 },
        op: '=',
        value: 'gbdt',
      },
    });
  });

  it('evaluates comparisons, and/or/not and parentheses with the usual precedence', () => {
    const cases: [string, boolean, boolean][] = [
      ['metrics.accuracy > 0.9 and params.learner = "gbdt"', true, false],
      ['metrics.accuracy >= 0.88', true, true],
      ['metrics.accuracy < 0.9 or params.trees <= 100', true, true],
      ['not status = "failed"', true, false],
      ['status != "failed" and (duration < 20 or params.trees > 200)', true, false],
      ['status = "failed" or status = "finished" and duration > 100', false, true],
      ['(status = "failed" or status = "finished") and duration > 100', false, false],
      ["NOT (params.learner == 'forest') AND metrics.accuracy > .9", true, false],
      ['params.learner in ("gbdt", "knn")', true, false],
      ['not params.learner in ("gbdt")', false, true],
      ['tags.note contains "ada"', true, false],
      ['name contains "#"', true, false],
      ['params.early_stop = true', true, false],
      ['params.early_stop != true', false, true],
      ['tags.note = null', false, true],
      ['params.`learning rate` = 1e-1', true, false],
      ['metrics.val-loss < 0.5', true, false],
      ['metrics.test.f1 >= 0.8', true, false],
      ['params.lr = 0.05 and params.lr < 0.1', true, false],
      ['metrics.accuracy > -1', true, true],
      ['name > "f"', true, true],
      ['name < "g"', false, true],
      ['', true, true],
    ];
    for (const [expression, onGbdt, onForest] of cases) {
      expect(matches(expression, gbdt), `${expression} on gbdt`).toBe(onGbdt);
      expect(matches(expression, forest), `${expression} on forest`).toBe(onForest);
    }
  });

  it('treats a missing field as null: never ordered, unequal to any value', () => {
    expect(matches('metrics.f1 > 0', forest)).toBe(false);
    expect(matches('metrics.f1 <= 0', forest)).toBe(false);
    expect(matches('metrics.f1 != 0.5', forest)).toBe(true);
    expect(matches('metrics.f1 = null', forest)).toBe(true);
    expect(matches('tags.note contains ""', forest)).toBe(false);
  });

  it('says what is wrong and at which character', () => {
    const cases: [string, number, RegExp][] = [
      ['metrics.accuracy >', 18, /Expected a value .* after “>” at character 19, found the end/],
      ['metrics.accuracy > 0.9 and', 26, /Expected a field such as metrics\.name/],
      [
        'metrics.accuracy 0.9',
        17,
        /Expected an operator .* after metrics\.accuracy at character 18/,
      ],
      ['(status = "failed"', 18, /Expected “\)” at character 19 to close the “\(” at character 1/],
      ['status = "failed")', 17, /Unexpected “\)” at character 18: no “\(” is open/],
      ['params.learner = "gbdt', 17, /string that starts at character 18 is never closed/],
      [
        'stauts = "failed"',
        0,
        /Unknown field “stauts” at character 1: use metrics\.<name>, params\.<name>, tags\.<name>, status, name, duration/,
      ],
      ['metrics > 1', 0, /“metrics” needs a name after it/],
      ['params.learner = gbdt', 17, /write text in quotes: "gbdt"/],
      ['status = "a" status = "b"', 13, /Expected “and”, “or” or the end at character 14/],
      ['metrics.accuracy > 0.9x', 19, /“0\.9x” is not a number/],
      ['metrics.accuracy > true', 19, /true can only be compared with = or !=/],
      ['params.x in "a"', 12, /Expected “\(” after “in”/],
      ['params.x in ("a" "b")', 17, /Expected “,” or “\)” in the list/],
      ['metrics.accuracy ≥ 0.9', 17, /Unexpected “≥” at character 18/],
      ['params.`` = 1', 7, /empty name in backticks/],
      ['metrics. = 1', 8, /Expected a name after “\.”/],
    ];
    for (const [expression, position, message] of cases) {
      const problem = error(expression);
      expect(problem.message, expression).toMatch(message);
      expect(problem.position, expression).toBe(position);
    }
  });

  it('never throws on arbitrary input', () => {
    const alphabet = [
      'metrics.a',
      'params.b',
      'status',
      '(',
      ')',
      'and',
      'or',
      'not',
      '=',
      '<',
      '>=',
      '"x',
      '"y"',
      '1.5',
      '-',
      'in',
      ',',
      'true',
      '`',
      ' ',
    ];
    let state = 12345;
    for (let round = 0; round < 2000; round++) {
      let text = '';
      const length = 1 + (round % 12);
      for (let i = 0; i < length; i++) {
        state = (state * 1103515245 + 12345) >>> 0;
        text += `${alphabet[state % alphabet.length]} `;
      }
      const result = parseFilter(text, FIELDS);
      if (!result.ok) {
        expect(result.error.position).toBeGreaterThanOrEqual(0);
        expect(result.error.position).toBeLessThanOrEqual(text.length);
      } else expect(() => matchesFilter(result.node, resolve(gbdt))).not.toThrow();
    }
  });
});
