import { describe, expect, it } from 'vitest';
import { formatRunDuration } from '../../../../src/ui/runs/columns';

describe('formatRunDuration', () => {
  it('uses the unit a person would', () => {
    expect(formatRunDuration(null)).toBe('—');
    expect(formatRunDuration(340.4)).toBe('340 ms');
    expect(formatRunDuration(1234)).toBe('1.23 s');
    expect(formatRunDuration(15_662)).toBe('15.7 s');
    expect(formatRunDuration(192_000)).toBe('3 min 12 s');
    expect(formatRunDuration(7_500_000)).toBe('2 h 5 min');
  });
});
