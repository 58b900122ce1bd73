// Plain-text (and Markdown) rendering of the result tables.

/** Formats a number of requests per second compactly: 950, 6.1k, 27k. */
export function fmtRps(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (value >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return value.toFixed(0);
}

/** Formats milliseconds with a precision that suits sub-millisecond figures. */
export function fmtMs(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  return value.toFixed(1);
}

/** Formats a ratio as 0.42× or 12×. */
export function fmtRatio(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return value >= 10 ? `${value.toFixed(0)}×` : `${value.toFixed(2)}×`;
}

/** Formats bytes as MB with one decimal (signed when `signed`). */
export function fmtMb(value, signed = false) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const mb = value / (1024 * 1024);
  return `${signed && mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB`;
}

/** Renders rows (arrays of strings) under a header as a Markdown table, padded for terminals too. */
export function renderTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
