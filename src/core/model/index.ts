export * from './model';
export * from './ensemble';
export * from './evaluate';
export { detectTask, buildTarget, labelledRows, balancedWeights } from './target';
