import { describe, expect, it } from "vitest";
import { parseNdjson } from "./ndjson";
import { parseComplaintRecord } from "./record";
import { asyncSource, CHUNK_SIZES, chunked, collect } from "./testing";

const record = (n: number, text = `Power out #${n}`) =>
  JSON.stringify({ source: "x", externalId: String(n), text, createdAt: "2026-11-02T14:05:00Z" });

describe("parseNdjson", () => {
  it("numbers every line of the file from 1 and skips blank lines", async () => {
    const input = `${record(1)}\n\n${record(2)}\n   \n\t\n${record(3)}\n`;
    for (const size of CHUNK_SIZES) {
      const items = await collect(parseNdjson(chunked(input, size)));
      expect(
        items.map((i) => i.line),
        `chunk size ${size}`,
      ).toEqual([1, 3, 6]);
      expect(
        items.map((i) => ("value" in i ? (i.value as { externalId: string }).externalId : null)),
      ).toEqual(["1", "2", "3"]);
    }
  });

  it("reports a malformed line with its line number and what is wrong, then carries on", async () => {
    const input = `${record(1)}\n{"source":"x","text":}\n${record(3)}\n{"a":1,}\nnot json\n${record(6)}`;
    const items = await collect(parseNdjson(asyncSource(chunked(input, 5))));
    expect(items.map((i) => [i.line, "error" in i])).toEqual([
      [1, false],
      [2, true],
      [3, false],
      [4, true],
      [5, true],
      [6, false],
    ]);
    const errors = items.flatMap((i) => ("error" in i ? [i.error] : []));
    expect(errors[0]).toMatch(/^malformed JSON at column 22: Unexpected token '}'/);
    expect(errors[1]).toMatch(/^malformed JSON at column 8: Expected double-quoted property name/);
    expect(errors[2]).toMatch(/^malformed JSON at column 2: /);
  });

  it("handles CRLF line ends and a UTF-8 BOM", async () => {
    const input = `\ufeff${record(1)}\r\n\r\n${record(2)}\r\n`;
    for (const size of CHUNK_SIZES) {
      const items = await collect(parseNdjson(chunked(input, size)));
      expect(items, `chunk size ${size}`).toEqual([
        { line: 1, value: JSON.parse(record(1)) },
        { line: 3, value: JSON.parse(record(2)) },
      ]);
    }
  });

  it("reassembles multi-byte characters split across chunks", async () => {
    const text = "Ümlaut café — 停电了 🔌⚡ no power";
    const input = `${record(1, text)}\n${record(2, "✓")}`;
    for (const size of CHUNK_SIZES) {
      const items = await collect(parseNdjson(chunked(input, size)));
      expect(items.map((i) => ("value" in i ? (i.value as { text: string }).text : i.error))).toEqual([
        text,
        "✓",
      ]);
    }
  });

  it("reads a last line without a newline, and string chunks", async () => {
    const items = await collect(parseNdjson([record(1).slice(0, 10), `${record(1).slice(10)}\n`, record(2)]));
    expect(items.map((i) => i.line)).toEqual([1, 2]);
    expect(items.every((i) => "value" in i && parseComplaintRecord(i.value).ok)).toBe(true);
  });

  it("reports invalid UTF-8 on its line only", async () => {
    const bad = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a]); // {"a":"\xC3("}
    const good = new TextEncoder().encode(`${record(2)}\n`);
    const items = await collect(parseNdjson([bad, good]));
    expect(items).toEqual([
      { line: 1, error: "line is not valid UTF-8 text" },
      { line: 2, value: JSON.parse(record(2)) },
    ]);
  });

  it("skips an over-long line without holding it, and keeps counting lines", async () => {
    const long = `{"text":"${"x".repeat(5000)}"}`;
    const input = `${record(1)}\n${long}\n${record(3)}\n`;
    const items = await collect(parseNdjson(chunked(input, 100), { maxLineBytes: 1000 }));
    expect(items).toEqual([
      { line: 1, value: JSON.parse(record(1)) },
      { line: 2, error: "line is longer than 1000 bytes" },
      { line: 3, value: JSON.parse(record(3)) },
    ]);
  });

  it("yields non-object lines as values, for record validation to reject", async () => {
    const items = await collect(parseNdjson(['[1,2]\n"text"\n42\n']));
    expect(items.map((i) => ("value" in i ? parseComplaintRecord(i.value) : i))).toEqual([
      { ok: false, message: "is not a JSON object" },
      { ok: false, message: "is not a JSON object" },
      { ok: false, message: "is not a JSON object" },
    ]);
  });

  it("yields nothing for an empty or blank input", async () => {
    expect(await collect(parseNdjson([]))).toEqual([]);
    expect(await collect(parseNdjson(["\n\r\n  \n"]))).toEqual([]);
  });
});
