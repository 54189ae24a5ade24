import { TrainingError } from '../../errors/training-error';
import { isNumberColumn, type Column } from '../../table';
import { observedCategories } from '../categories';
import type { DatetimePart } from '../datetime';
import type { CategoryImputeStrategy, IndicatorOption, NumericImputeStrategy } from '../impute';
import type { OneHotOptions } from '../one-hot';
import type { OrdinalOptions } from '../ordinal';
import type { ScalerMethod } from '../scale';
import type { ImageOptions } from '../image';
import type { HashingOptions } from '../text/hashing';
import type { TfidfOptions } from '../text/tfidf';

export interface NumericPlan {
  readonly kind: 'numeric';
  /** `none` leaves missing values as NaN. */
  readonly impute?: NumericImputeStrategy | 'none';
  readonly fillValue?: number;
  readonly indicator?: IndicatorOption;
  readonly scale?: ScalerMethod;
  readonly range?: readonly [number, number];
  readonly quantileRange?: readonly [number, number];
}

/** Categorical steps may fill missing values first; otherwise each encoder has its own rule. */
export interface CategoryImputePlan {
  readonly impute?: CategoryImputeStrategy | 'none';
  readonly fillValue?: string;
  readonly indicator?: IndicatorOption;
}

export interface OneHotPlan extends OneHotOptions, CategoryImputePlan {
  readonly kind: 'one-hot';
}

export interface OrdinalPlan extends OrdinalOptions, CategoryImputePlan {
  readonly kind: 'ordinal';
}

export interface FrequencyPlan extends CategoryImputePlan {
  readonly kind: 'frequency';
}

export interface TargetPlan extends CategoryImputePlan {
  readonly kind: 'target';
  readonly smooth?: 'auto' | number;
  readonly folds?: number;
}

export interface DatetimePlan {
  readonly kind: 'datetime';
  readonly parts?: readonly DatetimePart[];
  /** How a missing timestamp is filled before its parts are taken; `none` gives NaN parts. */
  readonly impute?: NumericImputeStrategy | 'none';
  readonly indicator?: IndicatorOption;
}

export interface TfidfPlan extends TfidfOptions {
  readonly kind: 'tfidf';
}

export interface HashingPlan extends Omit<HashingOptions, 'maxBytes'> {
  readonly kind: 'hashing';
}

/** Pixels of an image column, resized to `size × size`, in gray or colour (see `fitImage`). */
export interface ImagePlan extends ImageOptions {
  readonly kind: 'image';
}

export interface DropPlan {
  readonly kind: 'drop';
}

export type ColumnPlan =
  | NumericPlan
  | OneHotPlan
  | OrdinalPlan
  | FrequencyPlan
  | TargetPlan
  | DatetimePlan
  | TfidfPlan
  | HashingPlan
  | ImagePlan
  | DropPlan;

export type StepKind = ColumnPlan['kind'];

export interface AutoSettings {
  readonly keepMissing: boolean;
  readonly scale: boolean;
  readonly hasTarget: boolean;
  /** Categorical columns with at most this many categories are one-hot encoded. */
  readonly maxOneHot: number;
  /** The vocabulary size for TF-IDF of text columns. */
  readonly textFeatures: number;
}

/** The step a column gets from its logical type when the caller did not configure one. */
export function automaticPlan(column: Column, settings: AutoSettings): ColumnPlan {
  const { keepMissing } = settings;
  const indicator = keepMissing ? false : 'auto';
  switch (column.type) {
    case 'numeric':
    case 'integer':
      return {
        kind: 'numeric',
        impute: keepMissing ? 'none' : 'median',
        indicator,
        scale: settings.scale ? 'standard' : 'none',
      };
    case 'boolean':
      return {
        kind: 'numeric',
        impute: keepMissing ? 'none' : 'most_frequent',
        indicator,
        scale: 'none',
      };
    case 'datetime':
      return { kind: 'datetime', impute: keepMissing ? 'none' : 'median', indicator };
    case 'text':
      return { kind: 'tfidf', maxFeatures: settings.textFeatures };
    case 'categorical': {
      if (isNumberColumn(column)) break;
      const { categories, missing } = observedCategories(column);
      const missingAsCategory = missing > 0 ? 1 : 0;
      if (categories.length + missingAsCategory <= settings.maxOneHot) {
        return {
          kind: 'one-hot',
          impute: missing > 0 ? 'constant' : 'none',
          handleUnknown: 'other',
        };
      }
      return settings.hasTarget ? { kind: 'target' } : { kind: 'frequency' };
    }
    case 'image':
      return { kind: 'image', color: 'auto' };
  }
  const { name, type } = column as Column;
  const message = `Column “${name}” has an unknown type “${type}”.`;
  throw new TrainingError('invalid-input', message, name);
}

const NUMBER_STEPS: readonly StepKind[] = ['numeric'];
const STRING_STEPS: readonly StepKind[] = [
  'one-hot',
  'ordinal',
  'frequency',
  'target',
  'tfidf',
  'hashing',
];

/** Throws when a configured step cannot read the column's type. */
export function checkPlanFits(column: Column, plan: ColumnPlan) {
  if (plan.kind === 'drop') return;
  const fits =
    column.type === 'image' || plan.kind === 'image'
      ? column.type === 'image' && plan.kind === 'image'
      : plan.kind === 'datetime'
        ? column.type === 'datetime'
        : isNumberColumn(column)
          ? NUMBER_STEPS.includes(plan.kind)
          : STRING_STEPS.includes(plan.kind);
  if (!fits) {
    throw new TrainingError(
      'invalid-params',
      `Column “${column.name}” holds ${column.type} values, which ${plan.kind === 'image' || plan.kind === 'ordinal' ? 'an' : 'a'} ${plan.kind} step cannot read.`,
      column.name,
    );
  }
}
