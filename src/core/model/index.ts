export * from './model';
export * from './evaluate';
export { detectTask, buildTarget, labelledRows, balancedWeights } from './target';
