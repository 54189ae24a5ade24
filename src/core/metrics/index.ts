export * from './classification';
export * from './curves';
export * from './regression';
export * from './registry';
export * from './report';
