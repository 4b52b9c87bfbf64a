// Maskinporten's JWT-bearer grant: settings from the environment, the signing key, and the token cache.

export { MaskinportenError, type MaskinportenErrorKind } from './errors.ts';
export { createGrant, GRANT_LIFETIME_SECONDS, type GrantSettings } from './grant.ts';
export { explainOAuthError } from './hints.ts';
export {
  type LoadSigningKeyOptions,
  loadSigningKey,
  type SigningKey,
  type SigningKeySource,
} from './keys.ts';
export {
  DEFAULT_SCOPE,
  type MaskinportenEnvironment,
  type MaskinportenSettings,
  PROD_ISSUER,
  resolveMaskinportenSettings,
  type SettingsResult,
  TEST_ISSUER,
} from './settings.ts';
export { createTokenProvider, type TokenProviderOptions, type TokenSource } from './token-provider.ts';
