export * from './alerts.js';
export * from './api.js';
export * from './bars.js';
export * from './events.js';
export * from './indicators.js';
export * from './numbers.js';
export * from './ticks.js';
export * from './wording.js';
