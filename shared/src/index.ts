export * from './alerts.js';
export * from './api.js';
export * from './describe.js';
export * from './events.js';
export * from './ticks.js';
