import { defineBunsenModel } from './element';

export { load, fromJSON, type LoadOptions, type ModelSource, type OnnxRuntimeSource } from './load';
export { compileModel } from './model';
export { EmbedError } from './errors';
export { defineBunsenModel };
export type * from './types';

defineBunsenModel();
