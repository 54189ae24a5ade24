export * from './types';
export { DEFAULT_MAX_BYTES } from './dense';
export * from './impute';
export * from './scale';
export * from './one-hot';
export * from './ordinal';
export * from './frequency';
export * from './target-encoder';
export * from './datetime';
export * from './image';
export * from './text/analyze';
export * from './text/hashing';
export * from './text/tfidf';
export { murmurhash3 } from './text/murmur';
export type { TextNorm } from './text/sparse';
export { transformerFromJSON, imputerFromJSON, type FittedImputer } from './registry';
export * from './pipeline/plan';
export * from './pipeline/schema';
export type { FeatureChoice } from './pipeline/describe';
export {
  FeaturePipeline,
  FittedPipeline,
  type FeatureMatrix,
  type FeaturePipelineJSON,
  type FeaturePipelineOptions,
} from './pipeline/pipeline';
