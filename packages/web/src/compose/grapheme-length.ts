/**
 * Stands in for `@atproto/common-web` in the browser bundle (vite.config.ts aliases it here). The
 * facet detector imports that package only for `graphemeLen`; the whole package would bring its
 * own zod, multiformats and a grapheme segmenter (about 25 kB gzipped). The browser counts
 * graphemes with `Intl.Segmenter`, as the API's rules do.
 */
export { graphemeLength as graphemeLen } from '@chronopost/shared-schemas';
