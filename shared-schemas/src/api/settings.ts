import { DEFAULT_LATE_GRACE_SECONDS, isValidTimeZone } from '@chronopost/core';
import * as z from 'zod';
import { custom, languagesSchema, latePolicySchema, postOptionsSchema } from './posts';

/** A time zone the runtime knows (IANA names such as Asia/Tokyo). */
export const timeZoneSchema = z
  .string()
  .max(64)
  .superRefine((zone, context) => {
    if (!isValidTimeZone(zone)) custom(context, [], 'invalid_time_zone', { zone });
  });

/**
 * An account's defaults for new posts, kept by the API (`GET|PUT /settings`) so every browser of
 * the account starts from the same: time zone, languages, who may reply, whether quotes are
 * allowed, and what to do when a post cannot go out on time.
 */
export const accountSettingsSchema = z
  .object({
    timeZone: timeZoneSchema.default('UTC'),
    languages: languagesSchema,
    replyControl: postOptionsSchema.shape.replyControl,
    quoteControl: postOptionsSchema.shape.quoteControl,
    latePolicy: latePolicySchema.default({ mode: 'skip', graceSeconds: DEFAULT_LATE_GRACE_SECONDS }),
  })
  .strict();
export type AccountSettings = z.output<typeof accountSettingsSchema>;
export type AccountSettingsInput = z.input<typeof accountSettingsSchema>;

/** What an account that never saved settings gets. */
export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = accountSettingsSchema.parse({});

/** Settings as the API returns them (already normalised: no transform left to apply). */
export const storedAccountSettingsSchema = z.object({
  timeZone: z.string(),
  languages: z.array(z.string()),
  replyControl: postOptionsSchema.shape.replyControl,
  quoteControl: postOptionsSchema.shape.quoteControl,
  latePolicy: z.object({ mode: latePolicySchema.shape.mode, graceSeconds: z.int() }),
});

export const accountSettingsResponseSchema = z.object({
  settings: storedAccountSettingsSchema,
  /** When they were last saved; null for the defaults. */
  updatedAt: z.iso.datetime().nullable(),
});
