export * from './column';
export * from './table';
