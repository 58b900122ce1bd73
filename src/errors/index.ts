export { ERROR_CODES, type ErrorCode } from './codes.js';
export { WardenError, isWardenError, publicMessage, type WardenErrorOptions } from './warden-error.js';
