export * from './durations.js';
export * from './forecast.js';
export * from './insert.js';
export * from './context.js';
export * from './availability.js';
