export const MAX_POST_LANGUAGES = 3;

/**
 * A well-formed BCP-47 language tag in canonical form (`EN-us` → `en-US`), or undefined. The
 * runtime's own BCP-47 parser decides, so every tag it accepts is one Bluesky accepts.
 */
export function canonicalLanguage(tag: string): string | undefined {
  if (!/^[A-Za-z0-9-]{2,35}$/.test(tag)) return undefined;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical;
  } catch {
    return undefined;
  }
}
