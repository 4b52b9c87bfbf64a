// The Leasingtaker-API client: what the pipeline needs, and the pure parts its tests and reports may use.

export {
  type AlreadySoCodes,
  DEFAULT_ALREADY_SO_CODES,
  isAlreadySo,
  parseAlreadySoCodes,
} from './already-so.ts';
export { type BackoffSettings, backoffDelay, parseRetryAfter } from './backoff.ts';
export { classifyReply, type Reply } from './classify.ts';
export {
  API_PATH,
  ApiConfigError,
  createLeasingtakerClient,
  type LeasingtakerClient,
  type LeasingtakerClientOptions,
  type RetryInfo,
  type SendOptions,
  type TokenSource,
} from './client.ts';
export { createPauseGate, type PauseGate } from './pause-gate.ts';
