import { createSessionServiceContext, type SessionServiceContext } from '@chronopost/sessions';
import { createMetrics, type ServiceMetrics } from '@chronopost/lambda-kit';
import { type TokenRefresherConfig, type TokenRefresherSecrets } from '@chronopost/shared-schemas';

export interface TokenRefresherContext extends SessionServiceContext {
  config: TokenRefresherConfig;
  metrics: ServiceMetrics;
}

export const createContext = (
  config: TokenRefresherConfig,
  secrets: TokenRefresherSecrets,
  overrides: Partial<TokenRefresherContext> = {},
): TokenRefresherContext => ({
  config,
  // Refreshes run a few at a time (REFRESH_CONCURRENCY).
  ...createSessionServiceContext('token-refresher', config, secrets, { poolSize: 4, overrides }),
  metrics: overrides.metrics ?? createMetrics({ service: 'token-refresher', namespace: config.metricsNamespace }),
});
