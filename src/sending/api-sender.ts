import type { AlreadySoCodes } from '../api/already-so.ts';
import { createLeasingtakerClient, type LeasingtakerClient, type TokenSource } from '../api/client.ts';
import { createPauseGate } from '../api/pause-gate.ts';
import type { RowOutcome } from '../domain/outcome.ts';
import { type Owner, ownerLogField } from '../domain/owner.ts';
import type { Logger } from '../log.ts';
import { MaskinportenError } from '../maskinporten/errors.ts';
import type { MaskinportenSettings } from '../maskinporten/settings.ts';
import { createTokenProvider } from '../maskinporten/token-provider.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { AccessRefused } from './halt.ts';
import type { RowSender, SenderFactory } from './row-sender.ts';

export interface ApiAccess {
  readonly apiUrl: string;
  readonly maskinporten: MaskinportenSettings;
  /** Scope for tokens acting for another fleet owner (consumer_org); MASKINPORTEN_DELEGATED_SCOPE. */
  readonly delegatedScope: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly concurrency: number;
  /** LEASINGTAKER_BREAKER_THRESHOLD: technical failures in a row that halt the run. */
  readonly breakerThreshold: number;
  /** LEASINGTAKER_ALREADY_SO_CODES: merknad codes that mean the register is already as asked. */
  readonly alreadySoCodes: AlreadySoCodes;
}

/**
 * Joins Maskinporten, the API client and the circuit breaker into what the run needs: one token source and
 * client per fleet owner (a delegated owner gets tokens with its consumer_org), one breaker and one 429 pause
 * for the whole installation, since the API is the same for all. The sender halts what it must itself: the
 * breaker opening halts the run, a token refused halts the owner's lane, each with its reason.
 */
export function createApiSenders(
  access: ApiAccess,
  logger: Logger,
  observe: { readonly onReply?: (status: number | undefined) => void } = {},
): SenderFactory & { close(): void } {
  const breaker = new CircuitBreaker(access.breakerThreshold);
  const gate = createPauseGate();
  const tokenSources = new Map<Owner, TokenSource>();
  const clients: LeasingtakerClient[] = [];

  const tokensFor = (owner: Owner): TokenSource => {
    let tokens = tokenSources.get(owner);
    if (!tokens) {
      const settings: MaskinportenSettings = owner
        ? { ...access.maskinporten, consumerOrg: owner, scope: access.delegatedScope }
        : access.maskinporten;
      tokens = createTokenProvider(settings, {
        onWarning: (message) => logger.warn({ owner: ownerLogField(owner) }, message),
      });
      tokenSources.set(owner, tokens);
    }
    return tokens;
  };

  return {
    async checkAccess(owner) {
      await tokensFor(owner).getToken();
    },
    senderFor(owner, halt): RowSender {
      const failedAttempt = (reason: string) => {
        // Throttling is the API asking us to slow down, not failing: it doesn't count towards the breaker.
        if (reason === 'HTTP 429') return;
        if (breaker.failure()) {
          halt.run.abort(
            `API-et svarte ikke eller feilet ${access.breakerThreshold} ganger på rad (siste: ${reason}). ` +
              'Resten av radene er ikke sendt og sendes ved neste kjøring.',
          );
        }
      };
      const client = createLeasingtakerClient({
        apiUrl: access.apiUrl,
        tokens: tokensFor(owner),
        timeoutMs: access.timeoutMs,
        maxAttempts: access.maxAttempts,
        maxSockets: Math.max(access.concurrency, 8),
        alreadySoCodes: access.alreadySoCodes,
        gate,
        ...(observe.onReply ? { onReply: observe.onReply } : {}),
        onRetry: (info) => {
          logger.debug(
            { attempt: info.attempt, reason: info.reason, delayMs: info.delayMs },
            'retrying a request',
          );
          failedAttempt(info.reason);
        },
      });
      clients.push(client);
      return {
        async send(request, options): Promise<RowOutcome> {
          let result: Awaited<ReturnType<LeasingtakerClient['send']>>;
          try {
            result = await client.send(request, options);
          } catch (error) {
            // Authentication errors are configuration, the same for every row of the owner: they halt its
            // lane instead of failing the row (the row stays `sending`, maybe sent, for the next run).
            if (!(error instanceof MaskinportenError)) throw error;
            halt.owner.abort(new AccessRefused(owner, error));
            throw new DOMException('Sending halted', 'AbortError');
          }
          switch (result.kind) {
            case 'ok':
            case 'stopped':
              breaker.success();
              return result;
            case 'failed':
              // The last attempt failed too, with no retry after it: it counts like the ones before (with
              // LEASINGTAKER_MAX_ATTEMPTS=1 it is the only one).
              failedAttempt(result.status === undefined ? result.code : `HTTP ${result.status}`);
              return result;
          }
        },
      };
    },
    close() {
      for (const client of clients) client.close();
    },
  };
}
