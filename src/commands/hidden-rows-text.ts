// validate's line for the rows hidden in Excel, which are not sent.
/** "Skjult i Excel, ikke sendt: rad 5–6, 9": the hidden rows as ranges, so 10,000 filtered rows stay one line. */
export function hiddenRowsText(rows: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j + 1 < rows.length && (rows[j + 1] as number) === (rows[j] as number) + 1) j++;
    ranges.push(i === j ? `${rows[i]}` : `${rows[i]}–${rows[j]}`);
    i = j + 1;
  }
  const shown = ranges.length > 20 ? [...ranges.slice(0, 20), '…'] : ranges;
  return `Skjult i Excel, ikke sendt: ${rows.length === 1 ? 'rad' : 'rader'} ${shown.join(', ')}`;
}
