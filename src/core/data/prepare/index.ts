export { applyStep, applySteps, stepInputs } from './apply';
export type { OutputRole, PrepareContext, PrepareOutput } from './apply';
export { PrepareError, toFailure } from './errors';
export type { PrepareErrorCode, PrepareErrorDetails, PrepareFailure } from './errors';
export {
  columnReference,
  compileExpression,
  FUNCTION_REFERENCE,
  stringLiteral,
} from './expression';
export { describeStep, STEP_TITLES, TARGET_TYPES } from './steps';
export type {
  MissingStrategy,
  NumberDateUnit,
  PrepareStep,
  PrepareStepKind,
  SplitMethod,
  TargetType,
} from './steps';
export { parseStep } from './validate';
