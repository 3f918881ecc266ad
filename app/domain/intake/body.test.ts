import { describe, expect, it } from "vitest";
import { detectBodyFormat, parseIntakeBody } from "./body";
import { peekFirstNonWhitespace } from "./chunks";
import { MalformedJsonError } from "./json-array";
import { IntakeLimitError } from "./limits";
import { asyncSource, chunked, collect, collectUntilError } from "./testing";

const rec = (n: number) => ({
  source: "x",
  externalId: String(n),
  text: `out #${n}`,
  createdAt: "2026-11-02T14:05:00Z",
});

describe("detectBodyFormat", () => {
  it.each([
    ["application/x-ndjson", "{", "ndjson"],
    ["application/x-ndjson; charset=utf-8", "[", "ndjson"],
    ["application/jsonl", "{", "ndjson"],
    ["Application/JSON; charset=UTF-8", "[", "json-array"],
    ["application/json", "{", "json-array"],
    ["application/vnd.clarion+json", "{", "json-array"],
    [undefined, "[", "json-array"],
    ["text/plain", "[", "json-array"],
    [undefined, "{", "ndjson"],
    ["text/plain", "{", "ndjson"],
    [null, undefined, "ndjson"],
    ["application/octet-stream", "", "ndjson"],
  ] as const)("%s with %j → %s", (contentType, first, expected) => {
    expect(detectBodyFormat(contentType, first)).toBe(expected);
  });
});

describe("peekFirstNonWhitespace", () => {
  it("finds the first character past whitespace and a BOM, and replays every byte", async () => {
    const input = "\ufeff \r\n\t[1, 2]";
    const { first, chunks } = await peekFirstNonWhitespace(chunked(input, 2));
    expect(first).toBe("[");
    const replayed = Buffer.concat(await collect(chunks)).toString("utf8");
    expect(replayed).toBe(input);
  });

  it("says undefined for an empty body", async () => {
    expect((await peekFirstNonWhitespace(asyncSource(["  ", "\n"]))).first).toBeUndefined();
  });
});

describe("parseIntakeBody", () => {
  it("reads a JSON array body by index", async () => {
    const body = JSON.stringify([rec(1), rec(2)]);
    const items = await collect(parseIntakeBody(chunked(body, 7), { contentType: "application/json" }));
    expect(items).toEqual([
      { index: 0, value: rec(1) },
      { index: 1, value: rec(2) },
    ]);
  });

  it("reads an NDJSON body by line", async () => {
    const body = `${JSON.stringify(rec(1))}\n\n${JSON.stringify(rec(2))}\n`;
    const items = await collect(parseIntakeBody(chunked(body, 7), { contentType: "application/x-ndjson" }));
    expect(items.map((i) => i.line)).toEqual([1, 3]);
  });

  it("answers 413-worthy errors past the record or byte limit", async () => {
    const body = `${[1, 2, 3, 4].map((n) => JSON.stringify(rec(n))).join("\n")}\n`;
    const records = await collectUntilError(parseIntakeBody([body], { maxRecords: 3 }));
    expect(records.items).toHaveLength(3);
    expect(records.error).toBeInstanceOf(IntakeLimitError);
    expect((records.error as IntakeLimitError).limit).toBe("records");

    const bytes = await collectUntilError(parseIntakeBody(chunked(body, 16), { maxBytes: 100 }));
    expect(bytes.error).toBeInstanceOf(IntakeLimitError);
    expect((bytes.error as IntakeLimitError).limit).toBe("bytes");
    expect((await collect(parseIntakeBody([body], { maxRecords: 4, maxBytes: body.length }))).length).toBe(4);
  });

  it("answers 400-worthy errors for malformed JSON", async () => {
    const { error } = await collectUntilError(
      parseIntakeBody(['[{"a":1},]'], { contentType: "application/json" }),
    );
    expect(error).toBeInstanceOf(MalformedJsonError);
    expect((error as MalformedJsonError).position).toBe(9);
  });
});
