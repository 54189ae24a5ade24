import type { DatetimePart } from '../../features';
import { attr, type GraphBuilder } from './graph';
import { add, cast, div, floor, mul, sub, where } from './ops';
import { TensorType } from './proto';

const DOUBLE = TensorType.DOUBLE;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const TAU = 2 * Math.PI;

/** Memoizes a node-building step so that a part used by several others is built once. */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/**
 * The calendar parts of UTC timestamps (epoch milliseconds, a double tensor of any shape, all
 * finite) by the lab's days-to-civil arithmetic (Howard Hinnant's algorithm). Every step is
 * exact in double precision (whole numbers below 2^53, floors of IEEE quotients), and sines and
 * cosines are looked up from tables computed with the lab's own Math.sin and Math.cos, so the
 * parts equal the lab's bit for bit. Only the parts asked for are built.
 */
export function calendarParts(g: GraphBuilder, ms: string): (part: DatetimePart) => string {
  const c = (value: number) => g.scalar(value);
  const floorDiv = (x: string, by: number) => floor(g, div(g, x, c(by)));
  const fmod = (x: string, by: number) => g.op('Mod', [x, c(by)], { fmod: attr.int(1) });
  const isZero = (x: string) => g.op('Equal', [x, c(0)]);
  const lookup = (table: readonly number[], index: string) =>
    g.op('Gather', [g.doubles(table, [table.length], 'calendar'), index], { axis: attr.int(0) });
  const cycle = (index: () => string, period: number, fn: (x: number) => number) =>
    once(() =>
      lookup(
        Array.from({ length: period }, (_, k) => fn((TAU * k) / period)),
        index(),
      ),
    );

  const days = once(() => floorDiv(ms, DAY_MS));
  const msOfDay = once(() => sub(g, ms, mul(g, days(), c(DAY_MS))));
  const civil = once(() => {
    const z = add(g, days(), c(719_468));
    const era = floorDiv(z, 146_097);
    const dayOfEra = sub(g, z, mul(g, era, c(146_097)));
    const yearOfEra = floorDiv(
      sub(
        g,
        add(g, sub(g, dayOfEra, floorDiv(dayOfEra, 1460)), floorDiv(dayOfEra, 36_524)),
        floorDiv(dayOfEra, 146_096),
      ),
      365,
    );
    const dayOfMarchYear = sub(
      g,
      dayOfEra,
      sub(g, add(g, mul(g, c(365), yearOfEra), floorDiv(yearOfEra, 4)), floorDiv(yearOfEra, 100)),
    );
    const monthFromMarch = floorDiv(add(g, mul(g, c(5), dayOfMarchYear), c(2)), 153);
    const day = add(
      g,
      sub(g, dayOfMarchYear, floorDiv(add(g, mul(g, c(153), monthFromMarch), c(2)), 5)),
      c(1),
    );
    const month = where(
      g,
      g.op('Less', [monthFromMarch, c(10)]),
      add(g, monthFromMarch, c(3)),
      sub(g, monthFromMarch, c(9)),
    );
    return { era, yearOfEra, day, month };
  });
  const month = once(() => civil().month);
  const januaryOrFebruary = once(() => g.op('LessOrEqual', [month(), c(2)]));
  const year = once(() => {
    const { yearOfEra, era } = civil();
    return add(g, add(g, yearOfEra, mul(g, era, c(400))), cast(g, januaryOrFebruary(), DOUBLE));
  });
  const monthIndex = once(() => cast(g, sub(g, month(), c(1)), TensorType.INT64));
  const dayOfYear = once(() => {
    const leap = g.op('Or', [
      g.op('And', [isZero(fmod(year(), 4)), g.op('Not', [isZero(fmod(year(), 100))])]),
      isZero(fmod(year(), 400)),
    ]);
    const leapDay = cast(g, g.op('And', [g.op('Not', [januaryOrFebruary()]), leap]), DOUBLE);
    return add(g, add(g, lookup(DAYS_BEFORE_MONTH, monthIndex()), civil().day), leapDay);
  });
  const dayOfWeek = once(() => fmod(add(g, fmod(add(g, days(), c(3)), 7), c(7)), 7));
  const weekIndex = once(() => cast(g, dayOfWeek(), TensorType.INT64));
  const hour = once(() => floorDiv(msOfDay(), HOUR_MS));
  const hourIndex = once(() => cast(g, hour(), TensorType.INT64));

  const parts: Record<DatetimePart, () => string> = {
    year,
    month,
    day: () => civil().day,
    dayOfWeek,
    dayOfYear,
    isWeekend: once(() => cast(g, g.op('GreaterOrEqual', [dayOfWeek(), c(5)]), DOUBLE)),
    hour,
    minute: once(() => floorDiv(fmod(msOfDay(), HOUR_MS), MINUTE_MS)),
    month_sin: cycle(monthIndex, 12, Math.sin),
    month_cos: cycle(monthIndex, 12, Math.cos),
    dayOfWeek_sin: cycle(weekIndex, 7, Math.sin),
    dayOfWeek_cos: cycle(weekIndex, 7, Math.cos),
    hour_sin: cycle(hourIndex, 24, Math.sin),
    hour_cos: cycle(hourIndex, 24, Math.cos),
  };
  return (part) => parts[part]();
}
