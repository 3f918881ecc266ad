import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";
import { parseComplaintRecord } from "./record";
import { asyncSource, CHUNK_SIZES, chunked, collect } from "./testing";

const fixture = readFileSync(new URL("./fixtures/complaints.csv", import.meta.url));

describe("parseCsv", () => {
  it("reads the fixture: header names, nested author, numbers, quoted commas and newlines, blank lines", async () => {
    for (const size of CHUNK_SIZES) {
      const items = await collect(parseCsv(asyncSource(chunked(fixture, size))));
      expect(
        items.map((i) => i.line),
        `chunk size ${size}`,
      ).toEqual([2, 3, 7, 8, 9]);
      expect(items[0]).toEqual({
        line: 2,
        value: {
          source: "x",
          externalId: "1900000000000000001",
          text: "Power out on Elm St since 6am, any ETA?",
          createdAt: "2026-11-02T14:05:00Z",
          author: { handle: "@dana", name: "Dana", followers: 312 },
          lat: 36.74,
          lon: -119.78,
          location: "Fresno, CA",
          postalCode: "93701",
          url: "https://x.com/dana/status/1900000000000000001",
        },
      });
      expect(items[1]).toEqual({
        line: 3,
        value: {
          source: "form",
          externalId: "f-0002",
          text: "Internet down.\nModem blinking red.\nCalled twice, no answer.",
          createdAt: "2026-11-02T14:06:00Z",
          postalCode: "02134",
          shift: "night",
        },
      });
    }
  });

  it("leaves a non-numeric number column as text so validation names the field", async () => {
    const items = await collect(parseCsv([fixture]));
    const byLine = new Map(items.map((i) => [i.line, i]));
    const north = byLine.get(7);
    expect(north && "value" in north && north.value).toMatchObject({
      lat: "north",
      lon: -119.78,
      text: "He said \"it's fixed\" but it isn't",
    });
    const verdicts = items.map((i) => ("value" in i ? parseComplaintRecord(i.value) : i));
    expect(verdicts.map((v) => ("ok" in v ? (v.ok ? "ok" : v.message) : v))).toEqual([
      "ok",
      "ok",
      "lat must be a number",
      "text is required (the complaint's words)",
      "author.followers must be a number",
    ]);
  });

  it("treats empty cells as absent and keeps unknown columns", async () => {
    const items = await collect(
      parseCsv(["source,text,createdAt,lat,Ward\nx,hi,2026-11-02T14:05:00Z,  ,7\n"]),
    );
    expect(items).toEqual([
      { line: 2, value: { source: "x", text: "hi", createdAt: "2026-11-02T14:05:00Z", Ward: "7" } },
    ]);
  });

  it("matches contract column names case-insensitively and reads CRLF with a BOM", async () => {
    const input = "\ufeffSource,TEXT,CreatedAt,Author.Handle,LAT\r\nx,hi,2026-11-02T14:05:00Z,@a,1.5e1\r\n";
    for (const size of CHUNK_SIZES) {
      expect(await collect(parseCsv(chunked(input, size)))).toEqual([
        {
          line: 2,
          value: {
            source: "x",
            text: "hi",
            createdAt: "2026-11-02T14:05:00Z",
            author: { handle: "@a" },
            lat: 15,
          },
        },
      ]);
    }
  });

  it("reports a row with more cells than the header, and skips rows of empty cells", async () => {
    const items = await collect(parseCsv(["a,b\n1,2\n,,\n3,4,5\n6,7,,\n8\n"]));
    expect(items).toEqual([
      { line: 2, value: { a: "1", b: "2" } },
      { line: 4, error: "row has 3 fields but the header has 2 columns" },
      { line: 5, value: { a: "6", b: "7" } },
      { line: 6, value: { a: "8" } },
    ]);
  });

  it("keeps a stray quote inside a field", async () => {
    expect(await collect(parseCsv(['a,b\n5" pipe burst,x\n']))).toEqual([
      { line: 2, value: { a: '5" pipe burst', b: "x" } },
    ]);
  });

  it("stops at a quote that is never closed, on the line where its record starts", async () => {
    const input = 'a,b\n1,2\n\n3,"never closed\n4,5\n6,7\n';
    for (const size of CHUNK_SIZES) {
      expect(await collect(parseCsv(chunked(input, size))), `chunk size ${size}`).toEqual([
        { line: 2, value: { a: "1", b: "2" } },
        { line: 4, error: "a quoted field is never closed; the rest of the file could not be read" },
      ]);
    }
  });

  it("stops at a record larger than the limit instead of buffering the rest of the file", async () => {
    const input = `a,b\n1,"open quote\n${"9,row\n".repeat(2000)}`;
    const items = await collect(parseCsv(chunked(input, 512), { maxRecordBytes: 1000 }));
    expect(items).toEqual([
      {
        line: 2,
        error: "record is longer than 1000 bytes (an unclosed quote?); the rest of the file was not read",
      },
    ]);
  });

  it("refuses an ambiguous header", async () => {
    expect(await collect(parseCsv(["text,text\n1,2\n"]))).toEqual([
      { line: 1, error: 'header: column "text" appears twice' },
    ]);
    expect(await collect(parseCsv(["author,author.name\n1,2\n"]))).toEqual([
      { line: 1, error: 'header: columns "author" and "author.name" conflict' },
    ]);
    expect(await collect(parseCsv(["__proto__.x,text\n1,2\n"]))).toEqual([
      { line: 1, error: 'header: column 1 has an unusable name "__proto__.x"' },
    ]);
  });

  it("yields nothing for an empty file or a header alone", async () => {
    expect(await collect(parseCsv([]))).toEqual([]);
    expect(await collect(parseCsv(["source,text,createdAt\n"]))).toEqual([]);
  });
});
