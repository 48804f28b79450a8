export { addressProblem } from './address';
export type { Lookup } from './agent';
export { findSafeFetchError, SafeFetchError, type SafeFetchErrorCode } from './errors';
export { createSafeFetch, type PreparedRequest, type SafeFetch, type SafeFetchOptions } from './safe-fetch';
