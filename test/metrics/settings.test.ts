import { describe, expect, it } from 'vitest';
import { parseListenAddress, readMetricsSettings } from '../../src/metrics/settings.ts';

describe('LEASINGTAKER_METRICS_LISTEN', () => {
  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
    [':9464', { host: '', port: 9464 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['metrics.local:0', { host: 'metrics.local', port: 0 }],
  ])('%s', (value, expected) => {
    expect(parseListenAddress(value)).toEqual(expected);
  });

  it.each(['9464', 'localhost', '127.0.0.1:99999', '127.0.0.1:', '::1:9464', 'a b:1'])(
    'refuses %s',
    (value) => {
      expect(parseListenAddress(value)).toEqual({ problem: expect.stringContaining('must be host:port') });
    },
  );
});

describe('the metrics settings', () => {
  const read = (env: Record<string, string>) => {
    const problems: string[] = [];
    return { settings: readMetricsSettings(env, problems), problems };
  };

  it('are all off by default', () => {
    expect(read({})).toEqual({ settings: {}, problems: [] });
  });

  it('take a Pushgateway URL without its trailing slash, an instance and a .prom file', () => {
    expect(
      read({
        LEASINGTAKER_PUSHGATEWAY_URL: 'http://pushgateway:9091/',
        LEASINGTAKER_INSTANCE: 'oslo-1',
        LEASINGTAKER_METRICS_FILE: '/var/lib/node_exporter/textfile/leasingtaker.prom',
      }),
    ).toEqual({
      settings: {
        pushgatewayUrl: 'http://pushgateway:9091',
        instance: 'oslo-1',
        file: '/var/lib/node_exporter/textfile/leasingtaker.prom',
      },
      problems: [],
    });
  });

  it.each([
    [
      { LEASINGTAKER_PUSHGATEWAY_URL: 'pushgateway:9091' },
      /LEASINGTAKER_PUSHGATEWAY_URL must be an http\(s\) URL/,
    ],
    [
      { LEASINGTAKER_PUSHGATEWAY_URL: 'ftp://pushgateway' },
      /LEASINGTAKER_PUSHGATEWAY_URL must be an http\(s\) URL/,
    ],
    [{ LEASINGTAKER_PUSHGATEWAY_URL: 'http://pg:9091/?x=1' }, /no query/],
    [{ LEASINGTAKER_INSTANCE: 'oslo/1' }, /LEASINGTAKER_INSTANCE may hold/],
    [{ LEASINGTAKER_METRICS_FILE: 'leasingtaker.txt' }, /must end in \.prom/],
  ])('name the variable of a bad value: %o', (env, problem) => {
    expect(read(env).problems).toEqual([expect.stringMatching(problem)]);
  });
});
