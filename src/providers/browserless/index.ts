export * from './browserlessClient';
export * from './normalize';
export * from './schemas';
