/** How many posts one scheduled thread may hold. */
export const MAX_THREAD_ITEMS = 25;
/** Bluesky's image embed limits (the official app's alt text limit). */
export const MAX_IMAGES_PER_POST = 4;
export const MAX_ALT_TEXT_LENGTH = 2000;
