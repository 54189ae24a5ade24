import { LEARNER_CATALOG, type LearnerInfo } from '../../core/learners/catalog';

export type { LearnerInfo };

/**
 * The learners' names, tasks and hyperparameters: descriptions only, so the page never loads the
 * learners' code (TensorFlow.js included), which runs in the training worker.
 */
export async function loadLearnerCatalogue(): Promise<LearnerInfo[]> {
  return Object.values(LEARNER_CATALOG);
}

export type ParamValues = Record<string, number | string | boolean>;

export const defaultParams = (learner: LearnerInfo): ParamValues =>
  Object.fromEntries(learner.params.map((param) => [param.name, param.default]));

/** The values that differ from the defaults, and any number left empty or out of range. */
export function checkParams(
  learner: LearnerInfo,
  values: ParamValues,
): { params: ParamValues; problems: string[] } {
  const params: ParamValues = {};
  const problems: string[] = [];
  for (const param of learner.params) {
    const value = values[param.name] ?? param.default;
    if (param.kind === 'int' || param.kind === 'float') {
      const number = Number(value);
      if (!Number.isFinite(number)) problems.push(`${param.name} needs a number.`);
      else if (param.kind === 'int' && !Number.isInteger(number)) {
        problems.push(`${param.name} must be a whole number.`);
      } else if (param.min !== undefined && number < param.min) {
        problems.push(`${param.name} must be at least ${param.min}.`);
      } else if (param.max !== undefined && number > param.max) {
        problems.push(`${param.name} must be at most ${param.max}.`);
      }
    }
    if (value !== param.default) params[param.name] = value;
  }
  return { params, problems };
}
