/**
 * Helpers for tests that run real processes (DynamoDB Local, Redis, the built server): a free loopback port, and a
 * stop that asks nicely first. They live in scripts/lib/processes.mjs, shared with the launchers and
 * `npm run cluster`.
 */
export { freePort, stopProcess } from '../../../scripts/lib/processes.mjs';
