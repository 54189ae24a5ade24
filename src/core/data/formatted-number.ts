/**
 * Numbers written for people rather than for programs: `$1,046.92`, `€ 1.234,50`, `12.5 %`,
 * `(300.00)`, `1 234 567`. A column whose every distinct value reads as such a number, in one
 * convention (one currency, one thousands separator, one decimal mark), is read as numbers; the
 * importer looks at the distinct strings of a column that is not plain numbers, so this costs a
 * pass over the dictionary, never over the rows.
 */

/** Currency signs recognised before or after a number. */
const CURRENCY = new Set([
  '$',
  '€',
  '£',
  '¥',
  '₹',
  '₩',
  '₽',
  '₺',
  '₪',
  '₫',
  '₱',
  '฿',
  '¢',
  '₴',
  '₦',
]);
/** Spaces used as thousands separators or between a sign and a number. */
const SPACES = /[\s\u00a0\u202f]/g;

interface Convention {
  /** Matches the unsigned digits, with the group separator and decimal mark of the convention. */
  readonly pattern: RegExp;
  readonly group: RegExp;
  readonly decimal: '.' | ',';
}

/** `group` and `decimal` as regular-expression source (`\\.` for a point). */
const digitsWith = (group: string, decimal: string) =>
  new RegExp(`^(?:\\d{1,3}(?:${group}\\d{3})+|\\d+)(?:${decimal}\\d+)?$|^${decimal}\\d+$`);

const CONVENTIONS: readonly Convention[] = [
  { pattern: digitsWith(',', '\\.'), group: /,/g, decimal: '.' },
  { pattern: digitsWith('\\.', ','), group: /\./g, decimal: ',' },
  { pattern: digitsWith(' ', ','), group: / /g, decimal: ',' },
  { pattern: digitsWith(' ', '\\.'), group: / /g, decimal: '.' },
  { pattern: digitsWith("'", '\\.'), group: /'/g, decimal: '.' },
];

interface Parts {
  readonly negative: boolean;
  readonly currency: string | null;
  readonly percent: boolean;
  readonly parentheses: boolean;
  /** The digits, separators and decimal mark, spaces between digit groups made plain ` `. */
  readonly body: string;
}

const MINUS = new Set(['-', '\u2212']);

/** Splits a value into sign, currency, percent and digits; null when it is not of that shape. */
function partsOf(raw: string): Parts | null {
  let text = raw.trim();
  let negative = false;
  let parentheses = false;
  let currency: string | null = null;
  let percent = false;
  if (text.startsWith('(') && text.endsWith(')')) {
    parentheses = true;
    negative = true;
    text = text.slice(1, -1).trim();
  }
  const sign = () => {
    const first = text.charAt(0);
    if (MINUS.has(first) || first === '+') {
      if (parentheses || negative) return false;
      negative = MINUS.has(first);
      text = text.slice(1).trim();
    }
    return true;
  };
  if (!sign()) return null;
  if (CURRENCY.has(text.charAt(0))) {
    currency = text.charAt(0);
    text = text.slice(1).trim();
    if (!sign()) return null;
  }
  if (text.endsWith('%')) {
    percent = true;
    text = text.slice(0, -1).trim();
  }
  if (currency === null && CURRENCY.has(text.charAt(text.length - 1))) {
    currency = text.charAt(text.length - 1);
    text = text.slice(0, -1).trim();
  }
  if (percent && currency !== null) return null;
  const body = text.replace(SPACES, ' ');
  if (!/^[\d.,' ]+$/.test(body) || !/\d/.test(body)) return null;
  return { negative, currency, percent, parentheses, body };
}

export interface FormattedNumbers {
  /** The number each dictionary entry stands for, in dictionary order. */
  readonly values: Float64Array;
  /** Every value is a whole number. */
  readonly integers: boolean;
  /** What was done to read them, for the message: `the currency sign $ dropped, …`. */
  readonly removed: string;
  /** An entry that shows the formatting, to quote in the message. */
  readonly example: string;
}

/**
 * Reads every entry of `dictionary` as a formatted number in one convention, trying first those
 * whose decimal mark is `decimal` (the file's). Null unless all of them read, at least one of
 * them carries formatting that plain number parsing refuses (a currency sign, a percent sign, a
 * thousands separator, accounting parentheses), and they agree on the currency and on whether
 * they are percentages.
 */
export function parseFormattedNumbers(
  dictionary: readonly string[],
  decimal: '.' | ',' = '.',
): FormattedNumbers | null {
  if (dictionary.length === 0) return null;
  const parts: Parts[] = [];
  let currency: string | null = null;
  let percents = 0;
  let marked = -1;
  for (let code = 0; code < dictionary.length; code++) {
    const part = partsOf(dictionary[code] as string);
    if (!part) return null;
    if (part.currency !== null) {
      if (currency !== null && currency !== part.currency) return null;
      currency = part.currency;
    }
    if (part.percent) percents++;
    if (
      marked < 0 &&
      (part.currency || part.percent || part.parentheses || /[,' ]/.test(part.body))
    )
      marked = code;
    parts.push(part);
  }
  if (percents > 0 && percents < parts.length) return null;
  const ordered = [
    ...CONVENTIONS.filter((convention) => convention.decimal === decimal),
    ...CONVENTIONS.filter((convention) => convention.decimal !== decimal),
  ];
  const convention = ordered.find((candidate) =>
    parts.every((part) => candidate.pattern.test(part.body)),
  );
  if (!convention) return null;
  const values = new Float64Array(parts.length);
  let integers = true;
  let grouped = false;
  for (let code = 0; code < parts.length; code++) {
    const part = parts[code] as Parts;
    const ungrouped = part.body.replace(convention.group, '');
    if (ungrouped.length !== part.body.length) grouped = true;
    const plain = convention.decimal === ',' ? ungrouped.replace(',', '.') : ungrouped;
    const value = Number(plain) * (part.negative ? -1 : 1);
    if (!Number.isFinite(value)) return null;
    if (!Number.isInteger(value)) integers = false;
    values[code] = value;
  }
  if (marked < 0) return null;
  const done = [
    ...(currency ? [`the currency sign ${currency} dropped`] : []),
    ...(percents ? ['percent signs dropped (12.5% reads as 12.5)'] : []),
    ...(grouped ? ['thousands separators dropped'] : []),
    ...(parts.some((part) => part.parentheses) ? ['amounts in parentheses read as negative'] : []),
    ...(convention.decimal === ',' && parts.some((part) => part.body.includes(','))
      ? ['decimal commas read as decimal points']
      : []),
  ];
  return {
    values,
    integers,
    removed: done.join(', '),
    example: dictionary[marked] as string,
  };
}
