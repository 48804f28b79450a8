// Its own module, imported on demand: a dynamic import of the package itself would take every
// schema (and all of zod) along, and the first screen's constants with them.
export { loginIdentifierSchema } from '@chronopost/shared-schemas';
