import { TrainingError } from '../errors/training-error';
import {
  DAY_MS,
  FIXED_UNIT_MS,
  frequencyName,
  monthIndexToMs,
  monthParts,
  MONTHS_PER_UNIT,
  timeOfDay as sinceMidnight,
  weekdayAt,
  weekdayPosition,
  type Frequency,
  type FrequencyUnit,
} from './frequency';

/** Times are either UTC milliseconds since the epoch or plain numbers (years, step counters). */
export type TimeKind = 'datetime' | 'number';

export interface TimeAxisJSON {
  readonly kind: TimeKind;
  readonly frequency: Frequency;
  readonly anchor: number;
  readonly monthDay: number | 'end';
  readonly timeOfDay: number;
}

const UNITS: readonly FrequencyUnit[] = [
  'second',
  'minute',
  'hour',
  'day',
  'weekday',
  'week',
  'month',
  'quarter',
  'year',
  'step',
];

/**
 * A regular grid of times: step k lies at `timeAt(k)`. Calendar units (months, quarters, years)
 * step through the calendar, keeping the day of month of the data (or the month's last day when
 * the data sit on month ends); fixed units step by a fixed number of milliseconds.
 */
export class TimeAxis {
  private readonly anchorMonth: number;
  private readonly stepMs: number;
  private readonly stepMonths: number;
  /** Weekday grids: the anchor's weekday position and time of day (else NaN). */
  private readonly anchorWeekday: number;
  private readonly anchorTimeOfDay: number;

  constructor(
    readonly kind: TimeKind,
    readonly frequency: Frequency,
    /** The time of step 0. */
    readonly anchor: number,
    readonly monthDay: number | 'end' = 1,
    readonly timeOfDay = 0,
  ) {
    const months = MONTHS_PER_UNIT[frequency.unit];
    this.stepMonths = kind === 'datetime' && months ? months * frequency.every : 0;
    const fixed = FIXED_UNIT_MS[frequency.unit];
    this.stepMs = kind === 'datetime' && fixed ? fixed * frequency.every : 0;
    this.anchorMonth = this.stepMonths ? monthParts(anchor).month : 0;
    const weekdays = kind === 'datetime' && frequency.unit === 'weekday';
    // A weekend anchor (a bucketed grid's first row) starts the grid on the Monday after.
    this.anchorWeekday = weekdays ? Math.ceil(weekdayPosition(Math.floor(anchor / DAY_MS))) : NaN;
    this.anchorTimeOfDay = weekdays ? sinceMidnight(anchor) : NaN;
    if (kind === 'datetime' && !this.stepMonths && !this.stepMs && !weekdays) {
      throw new TrainingError(
        'invalid-params',
        `Dates need a calendar frequency (hourly … yearly, or weekday), not “${frequencyName(frequency)}”.`,
        'frequency',
      );
    }
  }

  get name(): string {
    return frequencyName(this.frequency);
  }

  /** One step, named: "daily step", "step", "step of 15 minutes". */
  get stepName(): string {
    const { unit, every } = this.frequency;
    if (every === 1) return unit === 'step' ? 'step' : `${this.name} step`;
    return `step of ${unit === 'step' ? every : this.name}`;
  }

  /** `count` of its steps, named: "1 daily step", "616 steps", "3 steps of 15 minutes". */
  steps(count: number): string {
    const name = this.stepName;
    const plural = count === 1 ? name : name.replace(/^(.*?)step\b/, '$1steps');
    return `${count.toLocaleString('en-US')} ${plural}`;
  }

  /** Where a time falls on the grid, in steps from the anchor (fractional between steps). */
  position(time: number): number {
    if (this.kind === 'number') return (time - this.anchor) / this.frequency.every;
    if (this.stepMonths) return (monthParts(time).month - this.anchorMonth) / this.stepMonths;
    if (this.stepMs) return (time - this.anchor) / this.stepMs;
    const day = Math.floor(time / DAY_MS);
    const offset = (sinceMidnight(time) - this.anchorTimeOfDay) / DAY_MS;
    return (weekdayPosition(day) - this.anchorWeekday + offset) / this.frequency.every;
  }

  timeAt(step: number): number {
    if (this.kind === 'number') {
      const value = this.anchor + step * this.frequency.every;
      return Number.isInteger(this.anchor) && Number.isInteger(this.frequency.every)
        ? value
        : Number(value.toPrecision(12));
    }
    if (this.stepMonths) {
      return monthIndexToMs(
        this.anchorMonth + step * this.stepMonths,
        this.monthDay,
        this.timeOfDay,
      );
    }
    if (this.stepMs) return this.anchor + step * this.stepMs;
    const position = this.anchorWeekday + step * this.frequency.every;
    return weekdayAt(position) * DAY_MS + this.anchorTimeOfDay;
  }

  /** Whether a printed date needs a time of day (finer than daily data). */
  get hasTimeOfDay(): boolean {
    return this.kind === 'datetime' && this.stepMs > 0 && this.stepMs < DAY_MS;
  }

  /**
   * A time as text in the input's style: numbers as they are, dates as YYYY-MM-DD for daily and
   * coarser data, ISO 8601 date-times in UTC otherwise.
   */
  format(time: number): string | number {
    if (this.kind === 'number') return time;
    const iso = new Date(time).toISOString();
    if (!this.hasTimeOfDay && time % DAY_MS === 0) return iso.slice(0, 10);
    return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
  }

  toJSON(): TimeAxisJSON {
    return {
      kind: this.kind,
      frequency: this.frequency,
      anchor: this.anchor,
      monthDay: this.monthDay,
      timeOfDay: this.timeOfDay,
    };
  }

  static fromJSON(json: unknown): TimeAxis {
    const value = json as Partial<TimeAxisJSON> | null;
    const unit = value?.frequency?.unit;
    if (
      !value ||
      (value.kind !== 'datetime' && value.kind !== 'number') ||
      !unit ||
      !UNITS.includes(unit) ||
      !(Number(value.frequency?.every) > 0) ||
      !Number.isFinite(value.anchor)
    ) {
      throw new TrainingError('invalid-input', 'The saved time axis is malformed.', 'axis');
    }
    return new TimeAxis(
      value.kind,
      { unit, every: Number(value.frequency!.every) },
      value.anchor as number,
      value.monthDay === 'end' ? 'end' : Number(value.monthDay ?? 1),
      Number(value.timeOfDay ?? 0),
    );
  }
}
