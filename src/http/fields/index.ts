/**
 * The HTTP field layer: every grammar harden-check reads response fields by. Checks and the
 * probe/load planners ask these typed questions and never parse header text themselves
 * (test/field-layer-boundary.test.ts enforces it).
 */
export * from './cache-control.js';
export * from './cors.js';
export * from './csp.js';
export * from './digits.js';
export * from './field-lines.js';
export * from './hsts.js';
export * from './http-date.js';
export * from './media-type.js';
export * from './nosniff.js';
export * from './rate-limit/read.js';
export type * from './rate-limit/types.js';
export * from './retry-after.js';
export * from './server-products.js';
export * from './structured.js';
export * from './uuid.js';
export * from './x-frame-options.js';
