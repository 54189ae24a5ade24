import { forestParamInfo } from './forest/params';
import { gbdtParamInfo } from './gbdt/params';
import { knnParamInfo } from './knn/params';
import { LINEAR_PARAMS } from './linear/params';
import { MLP_PARAMS } from './mlp/params';
import { nbParamInfo } from './nb/params';
import type { LearnerName, ParamInfo, Task } from './types';

/** What a page needs to know about a learner without loading its code (or TensorFlow.js). */
export interface LearnerInfo {
  readonly name: LearnerName;
  readonly label: string;
  readonly tasks: readonly Task[];
  /** Whether it takes missing values (NaN) as they are; others get imputed features. */
  readonly handlesMissing: boolean;
  readonly params: readonly ParamInfo[];
}

const BOTH: readonly Task[] = ['classification', 'regression'];

/** Every learner's description; the registry adds the code. */
export const LEARNER_CATALOG: Readonly<Record<LearnerName, LearnerInfo>> = {
  linear: {
    name: 'linear',
    label: 'Linear model',
    tasks: BOTH,
    handlesMissing: false,
    params: LINEAR_PARAMS,
  },
  mlp: {
    name: 'mlp',
    label: 'Neural network (MLP)',
    tasks: BOTH,
    handlesMissing: false,
    params: MLP_PARAMS,
  },
  gbdt: {
    name: 'gbdt',
    label: 'Gradient-boosted trees',
    tasks: BOTH,
    handlesMissing: true,
    params: gbdtParamInfo,
  },
  forest: {
    name: 'forest',
    label: 'Random forest',
    tasks: BOTH,
    handlesMissing: false,
    params: forestParamInfo(true),
  },
  extratrees: {
    name: 'extratrees',
    label: 'Extra trees',
    tasks: BOTH,
    handlesMissing: false,
    params: forestParamInfo(false),
  },
  knn: {
    name: 'knn',
    label: 'k-nearest neighbours',
    tasks: BOTH,
    handlesMissing: false,
    params: knnParamInfo,
  },
  nb: {
    name: 'nb',
    label: 'Naive Bayes',
    tasks: ['classification'],
    handlesMissing: false,
    params: nbParamInfo,
  },
};
