import { describe, expect, it } from 'vitest';
import { formatNumber, formatScore } from '../../../src/ui/data/format';

describe('numbers on the page', () => {
  it('shows scores and seconds to four significant digits', () => {
    expect(formatScore(0.811238)).toBe('0.8112');
    expect(formatScore(600.5312)).toBe('600.5');
    expect(formatScore(12_345.6)).toBe('12,350');
    expect(formatScore(0)).toBe('0');
    expect(formatScore(0.00001234)).toBe('1.23e-5');
    expect(formatScore(Infinity)).toBe('∞');
    expect(formatScore(NaN)).toBe('—');
    expect(formatScore(null)).toBe('—');
  });

  it('shows data values to six', () => {
    expect(formatNumber(0.811238)).toBe('0.811238');
    expect(formatNumber(2e9)).toBe('2.000e+9');
  });
});
