export * from './column';
export * from './table';
export * from './images';
