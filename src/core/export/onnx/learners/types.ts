import type { Estimator, Task } from '../../../learners/types';
import type { GraphBuilder } from '../graph';

/** What a learner's subgraph produces from the feature matrix. */
export interface LearnerOutputs {
  /** Classification: the predicted class index, int64 `[N]`. */
  readonly labels?: string;
  /** Classification: probabilities, double `[N, C]`, columns in the model's class order. */
  readonly proba?: string;
  /** Regression: the predicted value, double `[N]`. */
  readonly value?: string;
}

export interface LearnerContext {
  readonly g: GraphBuilder;
  readonly estimator: Estimator;
  readonly task: Task;
  /** The model's classes (classification), in output order. */
  readonly classes: readonly string[];
  /** The feature matrix, float `[N, F]`. */
  readonly features: string;
  readonly featureCount: number;
  /** Names the model part in errors, e.g. `members[1] (knn)`. */
  readonly part: string;
}
