export * from './client';
export * from './normalize';
