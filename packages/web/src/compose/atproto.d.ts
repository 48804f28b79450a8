/**
 * The two @atproto/api modules the composer imports by file (package.json "imports": the package
 * exports only its root, which would bring all of its lexicons into the bundle), typed for what we
 * use of them.
 */
declare module '#atproto/unicode-string' {
  export class UnicodeString {
    constructor(utf16: string);
    readonly utf16: string;
    readonly utf8: Uint8Array;
  }
}

declare module '#atproto/facet-detection' {
  import type { UnicodeString } from '#atproto/unicode-string';
  export interface DetectedFacet {
    index: { byteStart: number; byteEnd: number };
    features: Array<{ $type: string; did?: string; uri?: string; tag?: string }>;
  }
  export function detectFacets(text: UnicodeString): DetectedFacet[] | undefined;
}
