export * from './cerebrasClient';
export * from './normalize';
