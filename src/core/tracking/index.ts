export * from './audit-chain';
export * from './canonical-json';
export * from './downsample';
export * from './filter';
export * from './lineage';
export * from './model-card';
export * from './sha256';
export * from './signature';
