import { readAccountSettings, saveAccountSettings } from '@chronopost/db';
import { authenticatedDid, json, parseJsonBody, type Route } from '@chronopost/lambda-kit';
import { accountSettingsSchema, DEFAULT_ACCOUNT_SETTINGS } from '@chronopost/shared-schemas';
import { requireAccount } from '../account';
import type { ApiContext } from '../context';

/**
 * `GET /settings` (the defaults until first saved) and `PUT /settings` (the whole object, validated
 * by the same schema the web app uses). Stored settings are read through the schema too, so a field
 * added later gets its default.
 */
export const settingsRoutes = (ctx: ApiContext): Route[] => [
  {
    method: 'GET',
    path: '/settings',
    handler: async (event) => {
      const stored = await readAccountSettings(ctx.db, authenticatedDid(event));
      const parsed = stored ? accountSettingsSchema.safeParse(stored.settings) : undefined;
      return json(200, {
        settings: parsed?.success ? parsed.data : DEFAULT_ACCOUNT_SETTINGS,
        updatedAt: stored?.updatedAt.toISOString() ?? null,
      });
    },
  },
  {
    method: 'PUT',
    path: '/settings',
    handler: async (event) => {
      const { did } = await requireAccount(ctx, event);
      const settings = parseJsonBody(event, accountSettingsSchema);
      const updatedAt = await saveAccountSettings(ctx.db, did, settings);
      return json(200, { settings, updatedAt: updatedAt.toISOString() });
    },
  },
];
