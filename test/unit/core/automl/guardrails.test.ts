import { describe, expect, it } from 'vitest';
import { AutoMLSearch, type Guardrail, type GuardrailName } from '../../../../src/core/automl';
import { TrainingError } from '../../../../src/core/errors/training-error';
import { seededRandom } from '../../../../src/core/random';
import { numberColumn, stringColumn, Table, valueAt } from '../../../../src/core/table';
import { quick, signalTable } from './fixtures';

const setupOf = async (table: Table, target = 'label', options = {}) =>
  (await AutoMLSearch.create(table, quick({ target, ...options }))).setup;

const find = (guardrails: readonly Guardrail[], name: GuardrailName) =>
  guardrails.find((guardrail) => guardrail.name === name) as Guardrail;

describe('AutoML guardrails', () => {
  it('pass on clean data, each with a reason', async () => {
    const setup = await setupOf(signalTable(120, 1).drop(['amount']));
    expect(setup.guardrails.map((guardrail) => guardrail.name)).toEqual([
      'missing-target',
      'missing-values',
      'constant-columns',
      'id-like-columns',
      'high-cardinality',
      'datetime-columns',
      'target-leakage',
      'class-imbalance',
      'rows-per-class',
    ]);
    for (const guardrail of setup.guardrails) {
      expect(guardrail.status, guardrail.name).toBe('passed');
      expect(guardrail.reason.length).toBeGreaterThan(10);
    }
    expect(setup.dropped).toEqual([]);
  });

  it('fix missing values and rows without a target', async () => {
    const table = signalTable(120, 2, (rows) => [
      numberColumn(
        'gappy',
        Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : i % 5)),
      ),
    ]).drop(['amount']);
    const labels = table.column('label');
    const withGaps = table.withColumn(
      stringColumn(
        'label',
        Array.from({ length: table.rowCount }, (_, i) =>
          i === 3 ? null : String(valueAt(labels, i)),
        ),
      ),
    );
    const setup = await setupOf(withGaps);
    expect(find(setup.guardrails, 'missing-values')).toMatchObject({
      status: 'fixed',
      columns: ['gappy'],
    });
    expect(find(setup.guardrails, 'missing-target')).toMatchObject({ status: 'fixed' });
    expect(setup.rows).toBe(119);
  });

  it('drop constant and ID-like columns', async () => {
    const table = signalTable(120, 3, (rows) => [
      numberColumn('constant', new Array(rows).fill(4)),
      stringColumn(
        'customer',
        Array.from({ length: rows }, (_, i) => `C-${1000 + i}`),
      ),
      numberColumn(
        'row_id',
        Array.from({ length: rows }, (_, i) => i + 1),
        'integer',
      ),
    ]).drop(['amount']);
    const setup = await setupOf(table);
    expect(find(setup.guardrails, 'constant-columns')).toMatchObject({
      status: 'fixed',
      columns: ['constant'],
    });
    expect(find(setup.guardrails, 'id-like-columns')).toMatchObject({
      status: 'fixed',
      columns: ['customer', 'row_id'],
    });
    expect(setup.features).not.toContain('constant');
    expect(setup.features).not.toContain('customer');
    expect(setup.features).not.toContain('row_id');
    expect(setup.dropped.map((entry) => entry.column)).toEqual(['constant', 'customer', 'row_id']);
  });

  it('target-encode high-cardinality categories and split datetimes into parts', async () => {
    const rng = seededRandom(4);
    const day = 86_400_000;
    const table = signalTable(150, 4, (rows) => [
      stringColumn(
        'city',
        Array.from({ length: rows }, () => `city-${Math.floor(rng() * 40)}`),
      ),
      numberColumn(
        'signed_up',
        Array.from({ length: rows }, () => Date.UTC(2020, 0, 1) + Math.floor(rng() * 900) * day),
        'datetime',
      ),
    ]).drop(['amount']);
    const setup = await setupOf(table);
    expect(find(setup.guardrails, 'high-cardinality')).toMatchObject({
      status: 'fixed',
      columns: ['city'],
    });
    expect(find(setup.guardrails, 'datetime-columns')).toMatchObject({
      status: 'fixed',
      columns: ['signed_up'],
    });
    const choices = setup.featurization.flatMap((entry) => entry.choices);
    expect(choices.find((choice) => choice.column === 'city')?.step).toBe('target');
    expect(choices.find((choice) => choice.column === 'signed_up')?.step).toBe('datetime');
  });

  it('alert on a column that alone predicts the target, keep it, and drop it when asked', async () => {
    const base = signalTable(200, 5).drop(['amount']);
    const label = base.column('label');
    const leak = numberColumn(
      'approved_later',
      Array.from({ length: base.rowCount }, (_, i) => (valueAt(label, i) === 'up' ? 1 : 0)),
    );
    const kept = await setupOf(base.withColumn(leak));
    const alert = find(kept.guardrails, 'target-leakage');
    expect(alert).toMatchObject({ status: 'alert', columns: ['approved_later'] });
    expect(alert.reason).toMatch(
      /Kept: if it is not known when a prediction is made, leave it out/,
    );
    expect(kept.features).toContain('approved_later');
    expect(kept.dropped).toEqual([]);

    const dropped = await setupOf(base.withColumn(leak), 'label', { leakage: 'drop' });
    expect(find(dropped.guardrails, 'target-leakage')).toMatchObject({
      status: 'alert',
      columns: ['approved_later'],
    });
    expect(find(dropped.guardrails, 'target-leakage').reason).toMatch(/Dropped, as asked/);
    expect(dropped.features).not.toContain('approved_later');
    expect(dropped.dropped).toEqual([
      { column: 'approved_later', reason: 'it alone predicts the target almost perfectly' },
    ]);

    const regression = signalTable(200, 6).drop(['label']);
    const amount = regression.column('amount');
    const copy = numberColumn(
      'amount_in_cents',
      Array.from({ length: regression.rowCount }, (_, i) => 100 * (valueAt(amount, i) as number)),
    );
    const regressionSetup = await setupOf(regression.withColumn(copy), 'amount', {
      learners: ['gbdt', 'forest'],
      leakage: 'drop',
    });
    expect(find(regressionSetup.guardrails, 'target-leakage').status).toBe('alert');
    expect(regressionSetup.features).not.toContain('amount_in_cents');
  });

  it('leave out the columns the user names, and refuse unknown ones or the target', async () => {
    const table = signalTable(120, 4).drop(['amount']);
    const [first, second] = table.names.filter((name) => name !== 'label');
    const setup = await setupOf(table, 'label', { exclude: [first] });
    expect(setup.features).not.toContain(first);
    expect(setup.features).toContain(second);
    expect(setup.dropped[0]).toEqual({ column: first, reason: 'you left it out' });

    await expect(setupOf(table, 'label', { exclude: ['nope'] })).rejects.toThrow(
      /Cannot leave out “nope”: there is no such column/,
    );
    await expect(setupOf(table, 'label', { exclude: ['label'] })).rejects.toThrow(
      /Cannot leave out “label”: it is the target/,
    );
    const everything = table.names.filter((name) => name !== 'label');
    await expect(setupOf(table, 'label', { exclude: everything })).rejects.toThrow(
      /There are no feature columns left/,
    );
  });

  it('weigh classes when they are imbalanced and the metric counts every class', async () => {
    const rng = seededRandom(7);
    const rows = 200;
    const x = Array.from({ length: rows }, () => rng() * 4 - 2);
    const table = new Table([
      numberColumn('x', x),
      numberColumn(
        'z',
        Array.from({ length: rows }, () => rng()),
      ),
      stringColumn(
        'label',
        x.map((value, i) => (value > 1.6 || i % 37 === 0 ? 'rare' : 'common')),
      ),
    ]);
    const automatic = await setupOf(table);
    expect(automatic.metric).toBe('balanced_accuracy');
    expect(automatic.classWeight).toBe(true);
    expect(find(automatic.guardrails, 'class-imbalance').status).toBe('fixed');

    const byAccuracy = await setupOf(table, 'label', { metric: 'accuracy' });
    expect(byAccuracy.classWeight).toBe(false);
    expect(find(byAccuracy.guardrails, 'class-imbalance').status).toBe('alert');
  });

  it('alert on classes with too few rows, and refuse a single class', async () => {
    const rows = 60;
    const rng = seededRandom(8);
    const labels = Array.from({ length: rows }, (_, i) =>
      i === 0 ? 'lonely' : i < 4 ? 'tiny' : i % 2 ? 'a' : 'b',
    );
    const table = new Table([
      numberColumn(
        'x',
        Array.from({ length: rows }, () => rng()),
      ),
      stringColumn('label', labels),
    ]);
    const setup = await setupOf(table, 'label', { validation: 'auto' });
    const guardrail = find(setup.guardrails, 'rows-per-class');
    expect(guardrail.status).toBe('alert');
    expect(guardrail.reason).toMatch(/“lonely” had a single row/);
    expect(guardrail.reason).toMatch(/limits cross-validation to 3 folds/);
    expect(setup.classes).toEqual(['a', 'b', 'tiny']);
    expect(setup.validation.folds).toBe(3);

    const single = new Table([
      numberColumn('x', [1, 2, 3, 4]),
      stringColumn('label', ['yes', 'yes', 'yes', 'yes']),
    ]);
    await expect(AutoMLSearch.create(single, quick({ target: 'label' }))).rejects.toThrow(
      TrainingError,
    );
    await expect(AutoMLSearch.create(single, quick({ target: 'label' }))).rejects.toThrow(
      /only one class/,
    );
  });

  it('explain bad options clearly', async () => {
    const table = signalTable(60, 9).drop(['amount']);
    await expect(AutoMLSearch.create(table, quick({ target: 'nope' }))).rejects.toThrow(
      /no column “nope”/,
    );
    await expect(
      AutoMLSearch.create(table, quick({ target: 'label', metric: 'rmse' })),
    ).rejects.toThrow(/rmse is for regression/);
    await expect(
      AutoMLSearch.create(table, quick({ target: 'label', metric: 'bogus' })),
    ).rejects.toThrow(/Unknown metric “bogus”/);
    const setup = await setupOf(table, 'label', { metric: 'auc_weighted' });
    expect(setup.metric).toBe('roc_auc');
  });
});
