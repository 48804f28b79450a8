import { createSessionServiceContext, type SessionServiceContext } from '@chronopost/sessions';
import { createMetrics, type ServiceMetrics } from '@chronopost/lambda-kit';
import type { TokenRefresherConfig } from '@chronopost/shared-schemas';

export interface TokenRefresherContext extends SessionServiceContext {
  config: TokenRefresherConfig;
  metrics: ServiceMetrics;
}

export const createContext = (config: TokenRefresherConfig, overrides: Partial<TokenRefresherContext> = {}): TokenRefresherContext => ({
  config,
  // Refreshes run a few at a time (REFRESH_CONCURRENCY).
  ...createSessionServiceContext('token-refresher', config, { poolSize: 4, overrides }),
  metrics: overrides.metrics ?? createMetrics({ service: 'token-refresher', namespace: config.metricsNamespace }),
});
