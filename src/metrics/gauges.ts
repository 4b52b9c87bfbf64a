import { Gauge, Registry } from 'prom-client';
import { OWN_ORGANISATION, ownerLabel } from '../domain/owner.ts';
import { ROW_OUTCOMES, type RunFigures } from './run-figures.ts';

/**
 * The last run's figures as Prometheus gauges, in a registry of their own: the same text goes to the
 * Pushgateway, to the textfile for node_exporter, and into `watch`'s /metrics. Names are part of the interface
 * (alerting rules use them, see deploy/prometheus/): change one and the rules break.
 */
export function lastRunRegistry(figures: RunFigures): Registry {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  const rows = gauge(
    'leasingtaker_last_run_rows',
    'Rows of the files the last run worked on, by fleet owner and outcome (failed: tried and failed technically; pending: not sent yet).',
    ['owner', 'outcome'],
  );
  // Every outcome of every owner the run saw, zeros included, and `own` when it saw none: a query over the
  // outcomes never meets a missing series.
  const owners = figures.rows.size > 0 ? [...figures.rows.keys()] : [ownerLabel(OWN_ORGANISATION)];
  for (const owner of owners) {
    const counts = figures.rows.get(owner);
    for (const outcome of ROW_OUTCOMES) rows.set({ owner, outcome }, counts?.[outcome] ?? 0);
  }
  const givenUp = gauge(
    'leasingtaker_last_run_rows_given_up',
    'Rows the last run left for a person after LEASINGTAKER_MAX_RUNS runs, by fleet owner.',
    ['owner'],
  );
  for (const owner of owners) givenUp.set({ owner }, figures.rowsGivenUp.get(owner) ?? 0);

  const api = gauge(
    'leasingtaker_last_run_api_requests',
    'Requests the last run sent to the Leasingtaker-API, by HTTP status of the reply (0: no reply).',
    ['status'],
  );
  for (const [status, n] of figures.apiRequests) api.set({ status }, n);

  gauge('leasingtaker_last_run_duration_seconds', 'How long the last run took.').set(
    (figures.finishedAt - figures.startedAt) / 1000,
  );
  gauge(
    'leasingtaker_last_run_exit_code',
    'Exit code of the last run: 0 done, 1 needs attention, 2 configuration or access.',
  ).set(figures.exitCode);
  gauge('leasingtaker_last_run_timestamp_seconds', 'When the last run ended, seconds since the epoch.').set(
    figures.finishedAt / 1000,
  );
  if (figures.lastSuccessAt !== undefined) {
    gauge(
      'leasingtaker_last_success_timestamp_seconds',
      'When the last run with exit code 0 ended, seconds since the epoch; kept while later runs fail.',
    ).set(figures.lastSuccessAt / 1000);
  }
  if (figures.rowsWaiting) {
    const waiting = gauge(
      'leasingtaker_rows_waiting',
      'Rows left for later runs to send (pending, and failed with runs left), by fleet owner.',
      ['owner'],
    );
    const waitingOwners = new Set([...figures.rowsWaiting.keys(), ...owners]);
    for (const owner of waitingOwners) waiting.set({ owner }, figures.rowsWaiting.get(owner) ?? 0);
  }
  const inbox = gauge(
    'leasingtaker_inbox_files',
    'Fleet files left in the inbox at the end of the last run, by fleet owner.',
    ['owner'],
  );
  for (const owner of new Set([...figures.inboxFiles.keys(), ...owners])) {
    inbox.set({ owner }, figures.inboxFiles.get(owner) ?? 0);
  }
  return registry;
}
