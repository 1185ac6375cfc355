import type { Page } from './api-shapes.ts';
import type { CommandContext } from './group.ts';
import { renderTable, type Column } from './table.ts';

/** Prints a value as JSON for scripts. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.out.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints one page of a list: JSON items for scripts, or a table and, when more exist, how to get them. */
export function printPage<T>(ctx: CommandContext, page: Page<T>, columns: Column<T>[], empty: string, offset = 0): void {
  if (ctx.json) return printJson(ctx, page.items);
  ctx.out.write(renderTable(columns, page.items, empty));
  const shown = page.items.length;
  if (page.total !== undefined && page.total > offset + shown) {
    ctx.out.write(`(${offset + 1}-${offset + shown} of ${page.total}; --offset ${offset + shown} for more)\n`);
  }
}
