/** The rules of the trade, one file each: see the file heads. */
export * from './policy.js';
export * from './promise.js';
export * from './verdict.js';
export * from './weights.js';
export * from './qualification.js';
export * from './lifecycle.js';
export * from './calibration.js';
