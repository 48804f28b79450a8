/** The media requests' schemas, in a module of their own so that they load with the first media request. */
export { captionLanguageSchema, captionsInputSchema, createMediaSchema, linkPreviewRequestSchema } from '@chronopost/shared-schemas';
