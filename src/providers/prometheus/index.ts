export * from './prometheusClient';
export * from './normalize';
