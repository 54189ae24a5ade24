import type { Row, SignatureInput } from './types';

/** The form control each input type gets. */
export type Control = 'number' | 'select' | 'combo' | 'textarea' | 'date' | 'datetime-local';

export interface FieldSpec {
  readonly input: SignatureInput;
  readonly control: Control;
  /** Choices of a select or suggestions of a combo box (no empty choice: that one is added). */
  readonly options: readonly string[];
}

/** Categorical inputs with more categories than this get a text box with suggestions. */
export const MAX_SELECT_OPTIONS = 50;

export function fieldFor(input: SignatureInput): FieldSpec {
  switch (input.type) {
    case 'numeric':
    case 'integer':
      return { input, control: 'number', options: [] };
    case 'boolean':
      return { input, control: 'select', options: ['true', 'false'] };
    case 'datetime':
      return {
        input,
        control: input.resolution === 'day' ? 'date' : 'datetime-local',
        options: [],
      };
    case 'text':
      return { input, control: 'textarea', options: [] };
    case 'categorical': {
      const categories = input.categories ?? [];
      const control = categories.length > MAX_SELECT_OPTIONS ? 'combo' : 'select';
      return { input, control, options: categories };
    }
  }
}

/**
 * A row from the form's text values: an empty field is a missing value (the model fills it as it
 * was trained to); everything else goes to `predict` as typed, which checks it.
 */
export function rowFromForm(
  inputs: readonly SignatureInput[],
  valueOf: (name: string) => string,
): Row {
  const row: Record<string, string | null> = Object.create(null);
  for (const { name } of inputs) {
    const value = valueOf(name);
    row[name] = value === '' ? null : value;
  }
  return row;
}

/** A probability as a percentage with one decimal, e.g. 0.4567 → "45.7%". */
export const percent = (p: number) => `${(100 * p).toFixed(1)}%`;

/** A predicted value with up to six significant digits, as the page's locale writes numbers. */
export const formatValue = (value: number) =>
  Number.isFinite(value)
    ? value.toLocaleString(undefined, { maximumSignificantDigits: 6 })
    : String(value);
