/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field quoted when it holds a
 * comma, a double quote, a CR or an LF, and a double quote inside a quoted field written twice. Text that
 * a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a CR: an incident titled
 * "=HYPERLINK(…)") is prefixed with an apostrophe (OWASP's CSV injection advice); numbers are written as
 * they are, so a negative number stays a number.
 */

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
