/** The text was an integer literal (no point, no exponent) whose value is a safe integer. */
export const INTEGER_LITERAL = 1;
/** `String(value)` gives back exactly the text, so the text need not be kept. */
export const CANONICAL = 2;
/** An integer literal too large to be exact as a double (an ID or a code, most likely). */
export const UNSAFE_INTEGER = 4;
/** The integer part has a leading zero, as codes do (`007`). */
export const LEADING_ZERO = 8;

/**
 * Facts about the last successful `parseNumberText`, read right after the call: one shared object
 * instead of an allocation per cell.
 */
export const lastNumber = { flags: 0 };

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const MAX_EXACT = 2 ** 53;

const isSpace = (code: number) => code === 32 || code === 9 || code === 13;

/**
 * Reads a decimal number: optional sign, digits with an optional decimal mark (`.` or `,`),
 * optional exponent. Returns NaN for anything else (hex, `Infinity`, thousands separators,
 * trailing text). Up to 15 significant digits and exponents within ±22 take the exact fast path
 * (an exactly representable mantissa times an exact power of ten, one correctly rounded
 * operation); longer numbers go through `Number`, which is also correctly rounded.
 */
export function parseNumberText(text: string, decimalCode = 46): number {
  return parseNumberRange(text, 0, text.length, decimalCode);
}

/** `parseNumberText` of `text.slice(start, end)`, without making the slice. */
export function parseNumberRange(
  text: string,
  start: number,
  end: number,
  decimalCode = 46,
): number {
  const n = end;
  if (n <= start) return NaN;
  let i = start;
  let c = text.charCodeAt(start);
  let negative = false;
  let flags = CANONICAL;
  if (c === 45) {
    negative = true;
    i = start + 1;
  } else if (c === 43) {
    flags = 0;
    i = start + 1;
  } else if (isSpace(c) || isSpace(text.charCodeAt(n - 1))) {
    return parseTrimmed(text.slice(start, end), decimalCode);
  }
  let mantissa = 0;
  const intStart = i;
  while (i < n) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    mantissa = mantissa * 10 + (c - 48);
    i++;
  }
  const intDigits = i - intStart;
  if (intDigits > 1 && text.charCodeAt(intStart) === 48) {
    flags = (flags & ~CANONICAL) | LEADING_ZERO;
  }
  let fracDigits = 0;
  let literalInteger = true;
  if (i < n && c === decimalCode) {
    literalInteger = false;
    i++;
    const fracStart = i;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      mantissa = mantissa * 10 + (c - 48);
      i++;
    }
    fracDigits = i - fracStart;
    if (intDigits + fracDigits === 0) return NaN;
    if (fracDigits === 0 || intDigits === 0 || text.charCodeAt(i - 1) === 48) flags &= ~CANONICAL;
    if (decimalCode !== 46) flags &= ~CANONICAL;
  } else if (intDigits === 0) return NaN;
  let exponent = 0;
  if (i < n && (c === 101 || c === 69)) {
    literalInteger = false;
    flags &= ~CANONICAL;
    i++;
    let expNegative = false;
    c = i < n ? text.charCodeAt(i) : -1;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      i++;
    }
    const expStart = i;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (exponent < 100_000) exponent = exponent * 10 + (c - 48);
      i++;
    }
    if (i === expStart) return NaN;
    if (expNegative) exponent = -exponent;
  }
  if (i !== n) {
    return isSpace(text.charCodeAt(n - 1))
      ? parseTrimmed(text.slice(start, end), decimalCode)
      : NaN;
  }
  const scale = exponent - fracDigits;
  let value: number;
  if (mantissa <= MAX_EXACT && scale >= -22 && scale <= 22) {
    value = scale < 0 ? mantissa / (POW10[-scale] as number) : mantissa * (POW10[scale] as number);
    if (negative) value = -value;
  } else {
    const digits = text.slice(start, end);
    value = Number(
      decimalCode === 46 ? digits : digits.replace(String.fromCharCode(decimalCode), '.'),
    );
    flags &= ~CANONICAL;
  }
  if (!Number.isFinite(value)) return NaN;
  if (mantissa >= 1e15) flags &= ~CANONICAL;
  if (literalInteger) {
    if (mantissa < MAX_EXACT) flags |= INTEGER_LITERAL;
    else flags = (flags | UNSAFE_INTEGER) & ~CANONICAL;
  }
  if (value === 0 ? negative : Math.abs(value) < 1e-6 || Math.abs(value) >= 1e21) {
    flags &= ~CANONICAL;
  }
  lastNumber.flags = flags;
  return value;
}

function parseTrimmed(text: string, decimalCode: number): number {
  const trimmed = text.trim();
  if (trimmed.length === text.length || trimmed.length === 0) return NaN;
  const value = parseNumberText(trimmed, decimalCode);
  lastNumber.flags &= ~CANONICAL;
  return value;
}
