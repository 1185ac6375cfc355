// Plain-text tables for people: a header row, columns padded to their widest cell,
// long cells cut with an ellipsis so one odd value cannot wreck the layout.

/** One column: its header and how to get a row's cell text. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
  /** Longest cell before it is cut with '…' (default 60). */
  max?: number;
}

/** Renders rows as an aligned table (header included); an empty list renders `empty` instead. */
export function renderTable<T>(columns: Column<T>[], rows: T[], empty = '(none)'): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = rows.map((row) => columns.map((c) => clip(oneLine(c.value(row)), c.max ?? 60)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (texts: string[]) =>
    texts
      .map((text, i) => (columns[i]!.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** Renders `label: value` pairs with the labels aligned, for `show` commands. */
export function renderFields(fields: Array<[string, string | undefined | null]>): string {
  const present = fields.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== null && f[1] !== '');
  const width = Math.max(0, ...present.map(([label]) => label.length));
  return present.map(([label, value]) => `${(label + ':').padEnd(width + 1)}  ${value.replace(/\n/g, '\n' + ' '.repeat(width + 3))}`).join('\n') + '\n';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
