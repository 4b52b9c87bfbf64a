// Commander's own words for `validate`, the clerk's command: its headings and the errors it gives before our
// code runs. The other commands are the operator's and keep commander's English (README: one language per
// audience).

export const NORWEGIAN_TITLES: Readonly<Record<string, string>> = {
  'Usage:': 'Bruk:',
  'Arguments:': 'Argumenter:',
  'Options:': 'Valg:',
};

const ERRORS: readonly [RegExp, (...groups: string[]) => string][] = [
  [/^error: missing required argument '(.+)'/, () => 'feil: skriv navnet på minst én fil etter validate'],
  [/^error: unknown option '(.+)'/, (option) => `feil: ukjent valg ${option}`],
  [/^error: option '(.+)' argument missing/, (option) => `feil: ${option} må ha en verdi`],
  [/^error: too many arguments/, () => 'feil: for mange argumenter'],
];

/** A commander error line in Norwegian; one it doesn't know passes through as it is. */
export function norwegianError(line: string): string {
  for (const [pattern, text] of ERRORS) {
    const match = pattern.exec(line);
    if (match) return `${text(...match.slice(1))}\n`;
  }
  return line;
}
