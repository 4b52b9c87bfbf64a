// Builds .xlsx packages with the parts Excel and Google Sheets write, since neither runs here: a shared-string
// table with rich-text runs, styles with date formats, `x14ac` and `mc:Ignorable` markup, frozen panes, hidden
// columns and rows, an autofilter, a table object (ListObject) with its own part, merged cells, defined names
// (print area, filter database), the 1904 date system and hidden sheets. Cells are written as the XML those
// programs write, so a test reads what a clerk's file holds, not what exceljs' own writer makes.

import { zipBytes } from './input-files.ts';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
const X14AC = 'http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac';
const XR = 'http://schemas.microsoft.com/office/spreadsheetml/2014/revision';

/** Style indexes of `STYLES` below, as Excel numbers its cellXfs. */
export const STYLE = { plain: 0, date: 1, bold: 2, fnr: 3 } as const;

// numFmt 14 is Excel's built-in short date (shown dd.mm.yyyy in Norway); 164 a custom one as Norwegian Excel
// writes; 165 keeps a fødselsnummer's leading zero.
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="${MAIN}" xmlns:mc="${MC}" mc:Ignorable="x14ac x16r2 xr" xmlns:x14ac="${X14AC}" xmlns:xr="${XR}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/><numFmt numFmtId="165" formatCode="00000000000"/></numFmts>
<fonts count="2" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font><font><b/><sz val="14"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>
</styleSheet>`;

export interface OfficeSheet {
  readonly name: string;
  readonly state?: 'hidden' | 'veryHidden';
  /** `<row>` elements as the program writes them; see `row` and the cell helpers. */
  readonly rows: readonly string[];
  /** Rows frozen at the top (a pane below them), as "Frys øverste rader" writes it. */
  readonly frozenRows?: number;
  /** 1-based columns hidden with "Skjul". */
  readonly hiddenColumns?: readonly number[];
  readonly merged?: readonly string[];
  /** A sheet autofilter, `A3:E9`; with `table` the filter belongs to the table instead. */
  readonly autoFilter?: string;
  /** A table object (Excel's "Formater som tabell" / ListObject). */
  readonly table?: {
    readonly ref: string;
    readonly columns: readonly string[];
    readonly filterColumn?: number;
  };
  /** A print area, `$A$1:$E$9`. */
  readonly printArea?: string;
}

export interface OfficeWorkbook {
  readonly sheets: readonly OfficeSheet[];
  /** Shared strings: plain text, or `<r>` runs (rich text) written as they are. */
  readonly sharedStrings: readonly string[];
  readonly date1904?: boolean | 'true';
  /** Which program's markup: Excel's x14ac/xr namespaces, or Google Sheets' plainer parts. */
  readonly by?: 'excel' | 'google';
}

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A `<row>`; Excel adds spans and x14ac:dyDescent, Google Sheets neither. */
export function row(
  r: number,
  cells: readonly string[],
  options: { hidden?: boolean; by?: 'excel' | 'google' } = {},
): string {
  const excel = options.by !== 'google';
  const attributes = [
    `r="${r}"`,
    ...(excel ? [`spans="1:${Math.max(1, cells.length)}"`] : []),
    ...(options.hidden ? ['hidden="1"'] : []),
    ...(excel ? ['x14ac:dyDescent="0.25"'] : []),
  ];
  return `<row ${attributes.join(' ')}>${cells.join('')}</row>`;
}

/** Cell helpers, each writing a cell the way Excel does. */
export const c = {
  shared: (ref: string, index: number, style = 0) =>
    `<c r="${ref}"${style ? ` s="${style}"` : ''} t="s"><v>${index}</v></c>`,
  number: (ref: string, value: number | string, style = 0) =>
    `<c r="${ref}"${style ? ` s="${style}"` : ''}><v>${value}</v></c>`,
  /** A formula with a text result: `t="str"`, the cached text in `<v>`. */
  formulaText: (ref: string, formula: string, result: string) =>
    `<c r="${ref}" t="str"><f>${xmlEscape(formula)}</f><v>${xmlEscape(result)}</v></c>`,
  /** A formula whose cached result is an error: `t="e"`. */
  formulaError: (ref: string, formula: string, error: string) =>
    `<c r="${ref}" t="e"><f>${xmlEscape(formula)}</f><v>${error}</v></c>`,
  formulaNumber: (ref: string, formula: string, result: number, style = 0) =>
    `<c r="${ref}"${style ? ` s="${style}"` : ''}><f>${xmlEscape(formula)}</f><v>${result}</v></c>`,
  /** A shared formula's follower: only `<f t="shared" si="0"/>` and the cached value. */
  sharedFormulaText: (ref: string, result: string) =>
    `<c r="${ref}" t="str"><f t="shared" si="0"/><v>${xmlEscape(result)}</v></c>`,
  inline: (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${xmlEscape(text)}</t></is></c>`,
  /** A styled cell with no value: what a merged area's other cells are. */
  empty: (ref: string, style = 0) => `<c r="${ref}"${style ? ` s="${style}"` : ''}/>`,
};

function sheetXml(sheet: OfficeSheet, index: number, excel: boolean): string {
  const head = excel
    ? `<worksheet xmlns="${MAIN}" xmlns:r="${REL}" xmlns:mc="${MC}" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="${X14AC}" xmlns:xr="${XR}" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" xr:uid="{00000000-0001-0000-0000-00000000000${index}}">`
    : `<worksheet xmlns="${MAIN}" xmlns:r="${REL}" xmlns:mc="${MC}" xmlns:x14ac="${X14AC}" mc:Ignorable="x14ac">`;
  const filtered = sheet.rows.some((r) => r.includes('hidden="1"')) && (sheet.autoFilter || sheet.table);
  const pane = sheet.frozenRows
    ? `<pane ySplit="${sheet.frozenRows}" topLeftCell="A${sheet.frozenRows + 1}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A${sheet.frozenRows + 1}" sqref="A${sheet.frozenRows + 1}"/>`
    : '';
  const cols = (sheet.hiddenColumns ?? [])
    .map((n) => `<col min="${n}" max="${n}" width="13.5703125" hidden="1" customWidth="1"/>`)
    .join('');
  const parts = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    head,
    excel
      ? `<sheetPr${filtered ? ' filterMode="1"' : ''}/>`
      : '<sheetPr><outlinePr summaryBelow="0" summaryRight="0"/></sheetPr>',
    `<sheetViews><sheetView${index === 1 ? ' tabSelected="1"' : ''} workbookViewId="0">${pane}</sheetView></sheetViews>`,
    excel
      ? '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
      : '<sheetFormatPr customHeight="1" defaultColWidth="12.63" defaultRowHeight="15.75"/>',
    cols ? `<cols>${cols}</cols>` : '',
    `<sheetData>${sheet.rows.join('')}</sheetData>`,
    sheet.autoFilter && !sheet.table ? `<autoFilter ref="${sheet.autoFilter}"/>` : '',
    sheet.merged?.length
      ? `<mergeCells count="${sheet.merged.length}">${sheet.merged.map((ref) => `<mergeCell ref="${ref}"/>`).join('')}</mergeCells>`
      : '',
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>',
    sheet.printArea ? '<pageSetup paperSize="9" orientation="landscape"/>' : '',
    sheet.table ? '<tableParts count="1"><tablePart r:id="rId1"/></tableParts>' : '',
    '</worksheet>',
  ];
  return parts.join('');
}

function tableXml(table: NonNullable<OfficeSheet['table']>, id: number): string {
  const filter =
    table.filterColumn === undefined
      ? `<autoFilter ref="${table.ref}"/>`
      : `<autoFilter ref="${table.ref}"><filterColumn colId="${table.filterColumn}"><filters><filter val="OPPRETTE"/></filters></filterColumn></autoFilter>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<table xmlns="${MAIN}" xmlns:mc="${MC}" mc:Ignorable="xr xr3" xmlns:xr="${XR}" xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" id="${id}" xr:uid="{00000000-000C-0000-FFFF-FFFF0${id}000000}" name="Tabell${id}" displayName="Tabell${id}" ref="${table.ref}" totalsRowShown="0">` +
    filter +
    `<tableColumns count="${table.columns.length}">${table.columns
      .map((name, i) => `<tableColumn id="${i + 1}" name="${xmlEscape(name)}"/>`)
      .join('')}</tableColumns>` +
    '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
  );
}

/** The zip bytes of the workbook. */
export function officeXlsx(book: OfficeWorkbook): Buffer {
  const excel = book.by !== 'google';
  const parts: Record<string, string> = {};
  const overrides: string[] = [
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
  ];
  const workbookRels: string[] = [];
  const sheetEntries: string[] = [];
  const definedNames: string[] = [];
  let tables = 0;
  book.sheets.forEach((sheet, i) => {
    const n = i + 1;
    parts[`xl/worksheets/sheet${n}.xml`] = sheetXml(sheet, n, excel);
    overrides.push(
      `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
    );
    workbookRels.push(
      `<Relationship Id="rId${n}" Type="${REL}/worksheet" Target="worksheets/sheet${n}.xml"/>`,
    );
    sheetEntries.push(
      `<sheet name="${xmlEscape(sheet.name)}" sheetId="${n}"${sheet.state ? ` state="${sheet.state}"` : ''} r:id="rId${n}"/>`,
    );
    const quoted = /[^A-Za-z0-9_]/.test(sheet.name) ? `'${sheet.name}'` : sheet.name;
    const filterRef = sheet.table?.ref ?? sheet.autoFilter;
    if (filterRef && !sheet.table) {
      const [from, to] = filterRef.split(':');
      const abs = (ref = '') => ref.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2');
      definedNames.push(
        `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${quoted}!${abs(from)}:${abs(to)}</definedName>`,
      );
    }
    if (sheet.printArea) {
      definedNames.push(
        `<definedName name="_xlnm.Print_Area" localSheetId="${i}">${quoted}!${sheet.printArea}</definedName>`,
      );
    }
    if (sheet.table) {
      tables += 1;
      parts[`xl/tables/table${tables}.xml`] = tableXml(sheet.table, tables);
      overrides.push(
        `<Override PartName="/xl/tables/table${tables}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/>`,
      );
      parts[`xl/worksheets/_rels/sheet${n}.xml.rels`] =
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/table" Target="../tables/table${tables}.xml"/></Relationships>`;
    }
  });
  const date1904 =
    book.date1904 === true ? ' date1904="1"' : book.date1904 === 'true' ? ' date1904="true"' : '';
  parts['[Content_Types].xml'] =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `${overrides.join('')}</Types>`;
  parts['_rels/.rels'] =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL}">` +
    `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
  parts['xl/workbook.xml'] =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    (excel
      ? `<workbook xmlns="${MAIN}" xmlns:r="${REL}" xmlns:mc="${MC}" mc:Ignorable="x15 xr xr6 xr10 xr2" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" xmlns:xr="${XR}">` +
        '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>' +
        `<workbookPr${date1904} defaultThemeVersion="166925"/>`
      : `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr${date1904}/>`) +
    '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300" activeTab="0"/></bookViews>' +
    `<sheets>${sheetEntries.join('')}</sheets>` +
    (definedNames.length ? `<definedNames>${definedNames.join('')}</definedNames>` : '') +
    (excel ? '<calcPr calcId="191029"/>' : '') +
    '</workbook>';
  const n = book.sheets.length;
  parts['xl/_rels/workbook.xml.rels'] =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL}">${workbookRels.join('')}` +
    `<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId${n + 2}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  parts['xl/styles.xml'] = STYLES;
  parts['xl/sharedStrings.xml'] =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<sst xmlns="${MAIN}" count="${book.sharedStrings.length}" uniqueCount="${book.sharedStrings.length}">` +
    book.sharedStrings
      .map((s) =>
        s.startsWith('<r>') ? `<si>${s}</si>` : `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`,
      )
      .join('') +
    '</sst>';
  // Excel puts the sheets before the shared strings in the zip; so does this.
  const order = [
    '[Content_Types].xml',
    '_rels/.rels',
    'xl/workbook.xml',
    'xl/_rels/workbook.xml.rels',
    ...Object.keys(parts).filter(
      (name) => name.startsWith('xl/worksheets/') || name.startsWith('xl/tables/'),
    ),
    'xl/styles.xml',
    'xl/sharedStrings.xml',
  ];
  return zipBytes(Object.fromEntries(order.map((name) => [name, parts[name] as string])));
}
