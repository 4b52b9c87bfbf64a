import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { lastRunRegistry } from './gauges.ts';
import type { RunFigures } from './run-figures.ts';

/**
 * What `watch` serves on /metrics: counters since the process started (runs by exit code, API requests by
 * status, rows sent by outcome, and Node's own process metrics), plus the last run's gauges, the same as a
 * `run` pushes. Prometheus scrapes this one directly; no Pushgateway needed.
 */
export class WatchMetrics {
  readonly #counters = new Registry();
  #lastRun: Registry | undefined;
  readonly #runs: Counter<'exit_code'>;
  readonly #apiRequests: Counter<'status'>;
  readonly #rowsSent: Counter<'outcome'>;

  constructor() {
    collectDefaultMetrics({ register: this.#counters });
    this.#runs = new Counter({
      name: 'leasingtaker_runs_total',
      help: 'Runs since the process started, by exit code.',
      labelNames: ['exit_code'],
      registers: [this.#counters],
    });
    this.#apiRequests = new Counter({
      name: 'leasingtaker_api_requests_total',
      help: 'Requests sent to the Leasingtaker-API since the process started, by HTTP status (0: no reply).',
      labelNames: ['status'],
      registers: [this.#counters],
    });
    this.#rowsSent = new Counter({
      name: 'leasingtaker_rows_sent_total',
      help: 'Rows sent since the process started, by the outcome of their request (ok, stopped, failed).',
      labelNames: ['outcome'],
      registers: [this.#counters],
    });
  }

  runDone(figures: RunFigures): void {
    this.#runs.inc({ exit_code: String(figures.exitCode) });
    for (const [status, n] of figures.apiRequests) this.#apiRequests.inc({ status }, n);
    for (const [outcome, n] of figures.rowsSent) this.#rowsSent.inc({ outcome }, n);
    this.#lastRun = lastRunRegistry(figures);
  }

  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;

  async text(): Promise<string> {
    const parts = [await this.#counters.metrics()];
    if (this.#lastRun) parts.push(await this.#lastRun.metrics());
    return parts.join('\n');
  }
}

export interface MetricsServer {
  /** Where it listens, the port as bound (a `:0` setting takes a free one). */
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/** Serves GET /metrics on `host:port`; anything else is 404. Rejects when the address can't be bound. */
export async function serveMetrics(
  listen: { readonly host: string; readonly port: number },
  metrics: WatchMetrics,
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not found: the metrics are at /metrics\n');
      return;
    }
    metrics.text().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host || undefined, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
