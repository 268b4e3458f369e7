// Reads an uploaded sheet (CSV or Excel) into rows of text cells keyed by lower-case header.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

export type SheetRow = Record<string, string>;

export class SheetError extends Error {
  readonly code = 'BAD_SHEET';
}

/** Text of a scalar cell or JSON value; anything else (objects, arrays) is empty. */
export function scalarText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

const header = (h: unknown) => scalarText(h).trim().toLowerCase().replace(/\s+/g, '_');

export function readCsv(text: string): SheetRow[] {
  try {
    return parse(text, {
      columns: (names: string[]) => names.map(header),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
    });
  } catch (err) {
    throw new SheetError(`not a readable CSV: ${(err as Error).message}`);
  }
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return String(v.text);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    return '';
  }
  return String(v).trim();
}

/** First worksheet; row 1 is the header. */
export async function readXlsx(data: Buffer): Promise<SheetRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch (err) {
    throw new SheetError(`not a readable Excel file: ${(err as Error).message}`);
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new SheetError('the workbook has no sheet');
  const names: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (c, col) => (names[col] = header(c.value)));
  const rows: SheetRow[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const out: SheetRow = {};
    let any = false;
    names.forEach((name, col) => {
      if (!name) return;
      const t = cellText(row.getCell(col).value);
      if (t !== '') any = true;
      out[name] = t;
    });
    if (any) rows.push(out);
  }
  return rows;
}

/** Writes rows (with a result column already added) back out in the same format. */
export async function writeSheet(
  rows: readonly SheetRow[],
  columns: readonly string[],
  format: 'csv' | 'xlsx',
): Promise<Buffer> {
  if (format === 'csv') {
    const esc = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = [
      columns.join(','),
      ...rows.map((r) => columns.map((c) => esc(r[c] ?? '')).join(',')),
    ];
    return Buffer.from(lines.join('\r\n') + '\r\n');
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('results');
  ws.addRow([...columns]);
  for (const r of rows) ws.addRow(columns.map((c) => r[c] ?? ''));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
