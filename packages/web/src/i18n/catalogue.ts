/**
 * The API's message catalogue (every code the API sends, in English and Japanese), a chunk of its
 * own: loaded right after the first screen, so it never delays it.
 */
export { isMessageCode, MESSAGES, renderMessage } from '@chronopost/shared-schemas';
