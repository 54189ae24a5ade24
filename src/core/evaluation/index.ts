export { shuffleInPlace, splitsFromFolds, type Split } from './split';
export * from './holdout';
export * from './kfold';
export * from './time-series-split';
export * from './cross-validate';
export * from './permutation-importance';
export * from './partial-dependence';
