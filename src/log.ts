import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import { maskPersonalNumbers } from './domain/mask.ts';

export type { Logger } from 'pino';

/**
 * Personal data and secrets that must never reach a log line, declared once. Code should not log them in the
 * first place; this is the net under it.
 */
const REDACT_PATHS = [
  'fodselsnummer',
  '*.fodselsnummer',
  '*.*.fodselsnummer',
  'leasingtakerId',
  '*.leasingtakerId',
  'request.leasingtakerId',
  'etternavn',
  '*.etternavn',
  'cells',
  '*.cells',
  'token',
  '*.token',
  'accessToken',
  'access_token',
  '*.access_token',
  'assertion',
  '*.assertion',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'privateKey',
  '*.privateKey',
  'key',
  '*.key',
];

/**
 * The second net: anything shaped like a fødselsnummer in a message or a field (a file named after a person, a
 * header cell quoted in a reason) is masked on its way out, whichever module logged it.
 */
function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalNumbers(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  // An error's message and stack can quote what it failed on; pino's own serializer would pass them on as is.
  if (value instanceof Error) {
    const masked = new Error(maskPersonalNumbers(value.message));
    masked.name = value.name;
    masked.stack = value.stack && maskPersonalNumbers(value.stack);
    const code = (value as { code?: unknown }).code;
    return typeof code === 'string' ? Object.assign(masked, { code }) : masked;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const masked: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) masked[key] = maskDeep(item, depth + 1);
  return masked;
}

let lineSink: ((text: string) => void) | undefined;

/**
 * Where pretty log lines go on a terminal: stdout, or, while a progress bar is drawn, above the bar (see
 * `setLineSink`), so that the two don't garble each other.
 */
const terminalLines = new Writable({
  write(chunk: Buffer | string, _encoding, done) {
    const text = chunk.toString();
    if (lineSink) lineSink(text);
    else process.stdout.write(text);
    done();
  },
});

/** Sends pretty log lines to `sink` (a progress bar's log) until called again with undefined. */
export function setLineSink(sink: ((text: string) => void) | undefined): void {
  lineSink = sink;
}

export interface LogOptions {
  /** LOG_LEVEL: trace, debug, info (default), warn, error, fatal, silent. */
  readonly level?: string;
  /** Pretty, coloured lines for a person at a terminal; JSON otherwise (for log aggregation). */
  readonly pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream to capture them. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * Logs are written synchronously: the job logs a few lines per file, never per row, so a synchronous write
 * costs nothing measurable and no line is lost when the process is killed or exits early.
 */
export async function createLogger(options: LogOptions = {}): Promise<Logger> {
  const base = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[skjult]' },
    base: { app: 'leasingtaker' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (fields: Record<string, unknown>) => maskDeep(fields) as Record<string, unknown> },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...args: unknown[]) => void) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? maskPersonalNumbers(arg) : arg)),
        );
      },
    },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    const { default: pretty } = await import('pino-pretty');
    return pino(
      base,
      pretty({
        sync: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,app',
        destination: terminalLines,
      }),
    );
  }
  return pino(base, pino.destination({ dest: 1, sync: true }));
}
