export * from './client';
export * from './normalize';
export * from './schemas';
