import { describe, expect, it } from 'vitest';
import {
  actorsOf,
  auditMatcher,
  dayStart,
  EMPTY_FILTER,
  previewValue,
  timeRange,
} from '../../../src/ui/activity/audit-filter';
import { DAY_MS, sweepCandidates } from '../../../src/ui/activity/run-sweep';
import type { AuditEvent, RunRecord } from '../../../src/sdk';

const event = (seq: number, patch: Partial<AuditEvent> = {}): AuditEvent => ({
  id: `e${seq}`,
  workspaceId: 'w',
  seq,
  at: new Date(2024, 2, 10, 12).getTime() + seq * 60_000,
  actor: { id: 'ada', name: 'Ada' },
  action: 'create',
  entityKind: 'models',
  entityId: `m${seq}`,
  summary: `Event ${seq}`,
  prevHash: '',
  hash: '',
  ...patch,
});

describe('audit filter', () => {
  const events = [
    event(1),
    event(2, { action: 'register', entityKind: 'modelVersions', summary: 'Registered iris v1' }),
    event(3, { action: 'alias', actor: { id: 'bob', name: 'Bob' }, summary: 'production → v2' }),
    event(4, {
      action: 'update',
      at: new Date(2024, 2, 12, 9).getTime(),
      changes: [{ field: 'description', before: 'a', after: 'b' }],
    }),
  ];
  const seqs = (filter: Partial<typeof EMPTY_FILTER>) =>
    events.filter(auditMatcher({ ...EMPTY_FILTER, ...filter })).map((item) => item.seq);

  it('filters by action, kind, actor and words of the summary or changed fields', () => {
    expect(seqs({})).toEqual([1, 2, 3, 4]);
    expect(seqs({ action: 'register' })).toEqual([2]);
    expect(seqs({ kind: 'models' })).toEqual([1, 3, 4]);
    expect(seqs({ actor: 'bob' })).toEqual([3]);
    expect(seqs({ text: 'IRIS registered' })).toEqual([2]);
    expect(seqs({ text: 'description' })).toEqual([4]);
    expect(seqs({ text: 'iris bob' })).toEqual([]);
  });

  it('takes whole local days, both ends included', () => {
    expect(seqs({ from: '2024-03-11' })).toEqual([4]);
    expect(seqs({ to: '2024-03-10' })).toEqual([1, 2, 3]);
    expect(seqs({ from: '2024-03-10', to: '2024-03-12' })).toEqual([1, 2, 3, 4]);
    expect(seqs({ from: '2024-03-13' })).toEqual([]);
    const range = timeRange({ from: '2024-03-10', to: '2024-03-10' });
    expect(range.from).toBe(new Date(2024, 2, 10).getTime());
    expect(range.end).toBe(new Date(2024, 2, 11).getTime());
  });

  it('ignores dates that are not dates', () => {
    expect(dayStart('2024-02-30')).toBeNull();
    expect(dayStart('yesterday')).toBeNull();
    expect(seqs({ from: 'nonsense' })).toEqual([1, 2, 3, 4]);
  });

  it('lists each actor once, under the latest name used', () => {
    const newestFirst = [
      event(6, { actor: { id: 'ada', name: 'Ada L.' } }),
      ...events.slice().reverse(),
    ];
    expect(actorsOf(newestFirst)).toEqual([
      { id: 'ada', name: 'Ada L.' },
      { id: 'bob', name: 'Bob' },
    ]);
  });

  it('previews values on one short line', () => {
    expect(previewValue(null)).toBe('—');
    expect(previewValue('two\nlines')).toBe('“two lines”');
    expect(previewValue({ a: 1 })).toBe('{"a":1}');
    expect(previewValue('x'.repeat(100), 10)).toHaveLength(10);
  });
});

const run = (id: string, patch: Partial<RunRecord>): RunRecord =>
  ({
    id,
    workspaceId: 'w',
    createdAt: 0,
    createdBy: 'ada',
    experimentId: 'e1',
    name: id,
    status: 'finished',
    endedAt: 0,
    artifacts: [],
    ...patch,
  }) as RunRecord;

describe('run sweep', () => {
  const now = 100 * DAY_MS;
  const runs = [
    run('old', {
      endedAt: 10 * DAY_MS,
      artifacts: [{ name: 'a', hash: 'h', size: 300, mediaType: '', at: 0 }],
    }),
    run('recent', { endedAt: 99 * DAY_MS }),
    run('failed', { status: 'failed', endedAt: 50 * DAY_MS }),
    run('live', { status: 'running', endedAt: null }),
    run('other', { experimentId: 'e2', endedAt: 20 * DAY_MS }),
    run('registered', { endedAt: 5 * DAY_MS }),
  ];
  const ids = (...args: Parameters<typeof sweepCandidates>) =>
    sweepCandidates(...args).map((candidate) => candidate.run.id);

  it('matches ended runs by status, experiment and age, oldest first', () => {
    const all = {
      experimentId: '',
      statuses: ['finished', 'failed'] as const,
      olderThanDays: null,
    };
    expect(ids(runs, { ...all, statuses: [...all.statuses] }, new Set(), now)).toEqual([
      'registered',
      'old',
      'other',
      'failed',
      'recent',
    ]);
    expect(
      ids(runs, { experimentId: 'e1', statuses: ['failed'], olderThanDays: null }, new Set(), now),
    ).toEqual(['failed']);
    expect(
      ids(runs, { experimentId: '', statuses: ['finished'], olderThanDays: 30 }, new Set(), now),
    ).toEqual(['registered', 'old', 'other']);
  });

  it('keeps runs a model version was registered from, and sums artifact sizes', () => {
    const found = sweepCandidates(
      runs,
      { experimentId: 'e1', statuses: ['finished'], olderThanDays: 30 },
      new Set(['registered']),
      now,
    );
    expect(found.map((item) => [item.run.id, item.kept, item.artifactBytes])).toEqual([
      ['registered', 'registered as a model version', 0],
      ['old', null, 300],
    ]);
  });
});

describe('change preview', () => {
  it('shows times of fields named …At as times', async () => {
    const { describeChange } = await import('../../../src/ui/activity/audit-filter');
    expect(describeChange({ field: 'endedAt', before: null, after: 0 })).toEqual({
      field: 'endedAt',
      before: '—',
      after: '1970-01-01T00:00:00.000Z',
    });
    expect(describeChange({ field: 'status', before: 'running', after: 'finished' })).toEqual({
      field: 'status',
      before: '“running”',
      after: '“finished”',
    });
  });
});
