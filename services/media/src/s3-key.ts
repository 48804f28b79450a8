/** S3 event keys are URL-encoded, with `+` for spaces. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replaceAll('+', ' '));
