import type { AuditAction, AuditChange, AuditEvent } from '../../sdk';

export const ACTION_LABELS: Record<AuditAction, string> = {
  create: 'Created',
  update: 'Changed',
  delete: 'Deleted',
  import: 'Imported',
  export: 'Exported',
  register: 'Registered',
  alias: 'Moved an alias',
  archive: 'Archived or restored',
};

export interface AuditFilter {
  action: AuditAction | '';
  kind: string;
  actor: string;
  text: string;
  /** Local calendar days, `yyyy-mm-dd`, both included; empty for no bound. */
  from: string;
  to: string;
}

export const EMPTY_FILTER: AuditFilter = {
  action: '',
  kind: '',
  actor: '',
  text: '',
  from: '',
  to: '',
};

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The start of a local calendar day, or null when the text is not a date. */
export function dayStart(day: string): number | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [, year, month, date] = match.map(Number) as [number, number, number, number];
  const at = new Date(year, month - 1, date);
  return at.getMonth() === month - 1 ? at.getTime() : null;
}

/** `[from, to)` in milliseconds: the end is the start of the day after `to`. */
export function timeRange(filter: Pick<AuditFilter, 'from' | 'to'>) {
  const from = dayStart(filter.from);
  const to = dayStart(filter.to);
  let end: number | null = null;
  if (to !== null) {
    const next = new Date(to);
    next.setDate(next.getDate() + 1);
    end = next.getTime();
  }
  return { from, end };
}

/** Whether an event passes every filter; text matches the summary, actor, entity and changes. */
export function auditMatcher(filter: AuditFilter): (event: AuditEvent) => boolean {
  const { from, end } = timeRange(filter);
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return (event) => {
    if (filter.action && event.action !== filter.action) return false;
    if (filter.kind && event.entityKind !== filter.kind) return false;
    if (filter.actor && event.actor.id !== filter.actor) return false;
    if (from !== null && event.at < from) return false;
    if (end !== null && event.at >= end) return false;
    if (!words.length) return true;
    const haystack = [
      event.summary,
      event.actor.name,
      event.entityId,
      event.id,
      ...(event.changes ?? []).map((change) => change.field),
    ]
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  };
}

/** A short, one-line view of a recorded value for the before/after column. */
export function previewValue(value: unknown, max = 60): string {
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? `“${value}”` : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Fields named `…At` hold times in milliseconds since the epoch. */
const isTimeField = (field: string) => /At$/.test(field);

export function describeChange(
  change: AuditChange,
  formatTime: (at: number) => string = (at) => new Date(at).toISOString(),
) {
  const show = (value: unknown) =>
    isTimeField(change.field) && typeof value === 'number'
      ? formatTime(value)
      : previewValue(value);
  return { field: change.field, before: show(change.before), after: show(change.after) };
}

/** The distinct actors of the events, by id, with the latest name each used. */
export function actorsOf(events: readonly AuditEvent[]): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const event of events) {
    if (!seen.has(event.actor.id)) seen.set(event.actor.id, event.actor.name);
  }
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}
