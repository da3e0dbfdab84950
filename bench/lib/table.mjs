/** Plain-text tables and number formats for the console report. */

/** 1234567 -> "1.23M", 12345 -> "12.3k". */
export function si(n) {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
  return n.toPrecision(3);
}

/** Microseconds with a sensible precision. */
export function us(n) {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1000) return `${(n / 1000).toPrecision(3)} ms`;
  return `${n < 10 ? n.toFixed(2) : n.toPrecision(3)} us`;
}

export function ratio(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '';
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

export function bytes(n) {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (abs >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (abs >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${Math.round(n)} B`;
}

/**
 * Renders rows (arrays of strings) under headers. `align` per column: 'l' or 'r'
 * (default: left for the first column, right for the others).
 */
export function renderTable(title, headers, rows, align = []) {
  const cols = headers.length;
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const cell = (text, c) => {
    const s = String(text ?? '');
    const a = align[c] ?? (c === 0 ? 'l' : 'r');
    return a === 'l' ? s.padEnd(widths[c]) : s.padStart(widths[c]);
  };
  const line = (r) => Array.from({ length: cols }, (_, c) => cell(r[c], c)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [title, line(headers), rule, ...rows.map(line)].join('\n');
}
