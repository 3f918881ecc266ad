import { describe, expect, it } from "vitest";
import { MalformedJsonError, parseJsonArray } from "./json-array";
import { asyncSource, CHUNK_SIZES, chunked, collect, collectUntilError } from "./testing";

const rec = (n: number) => ({
  source: "x",
  externalId: String(n),
  text: `out #${n}`,
  createdAt: "2026-11-02T14:05:00Z",
});

async function failure(input: string, size = 1 << 20) {
  const { items, error } = await collectUntilError(parseJsonArray(chunked(input, size)));
  expect(error).toBeInstanceOf(MalformedJsonError);
  return { items, error: error as MalformedJsonError };
}

describe("parseJsonArray", () => {
  it("yields each element with its index, whatever the chunking", async () => {
    const records = [rec(0), rec(1), { text: "Ünïcode ⚡ 停电", nested: { a: [1, 2, { b: null }] } }, rec(3)];
    const input = ` \n${JSON.stringify(records, null, 2)}\n`;
    for (const size of CHUNK_SIZES) {
      const items = await collect(parseJsonArray(asyncSource(chunked(input, size))));
      expect(items, `chunk size ${size}`).toEqual(records.map((value, index) => ({ index, value })));
    }
  });

  it("reads strings longer than the tokenizer's 64 KiB string buffer, split mid-character", async () => {
    const text = `${"é⚡".repeat(30_000)}end`;
    const input = JSON.stringify([{ text }, { text: "short" }]);
    const items = await collect(parseJsonArray(chunked(input, 999)));
    expect(items.map((i) => (i.value as { text: string }).text)).toEqual([text, "short"]);
  });

  it("accepts a single object as one record", async () => {
    expect(await collect(parseJsonArray([JSON.stringify(rec(7))]))).toEqual([{ index: 0, value: rec(7) }]);
  });

  it("accepts an empty array and a BOM", async () => {
    expect(await collect(parseJsonArray(["\ufeff[ ]"]))).toEqual([]);
  });

  it("reports the byte position, line and column of a syntax error, after the good elements", async () => {
    const input = '[\n  {"text": "a"},\n  {"text": "b",}\n]';
    for (const size of CHUNK_SIZES) {
      const { items, error } = await failure(input, size);
      expect(items.map((i) => i.index)).toEqual([0]);
      expect([error.position, error.line, error.column]).toEqual([input.indexOf(",}") + 1, 3, 16]);
      expect(error.message).toBe('malformed JSON at position 34 (line 3, column 16): unexpected "}"');
    }
  });

  it("counts the position in bytes and the column in characters", async () => {
    const input = '[{"t":"éé"}, nul]';
    const { error } = await failure(input);
    expect(error.position).toBe(18); // é is two bytes
    expect(error.column).toBe(17);
  });

  it("reports an unexpected character", async () => {
    const { error } = await failure('[{"a": 1}, x]');
    expect(error.detail).toBe('unexpected character "x"');
    expect(error.position).toBe(11);
  });

  it("reports a truncated body at its end", async () => {
    for (const input of ['[{"a":1}', '[{"a":1},{"b":"unterminated', "[1,2"]) {
      const { error } = await failure(input);
      expect(error.detail).toBe("unexpected end of input");
      expect(error.position).toBe(new TextEncoder().encode(input).byteLength);
    }
  });

  it("rejects content after the top-level value, pointing NDJSON senders to the right type", async () => {
    const { items, error } = await failure('{"a":1}\n{"b":2}\n');
    expect(items).toEqual([{ index: 0, value: { a: 1 } }]);
    expect([error.position, error.line, error.column]).toEqual([8, 2, 1]);
    expect(error.detail).toMatch(/after the end of the JSON value.*application\/x-ndjson/);
    expect((await collect(parseJsonArray(["[1] \n\t "]))).length).toBe(1);
  });

  it("rejects an empty body", async () => {
    const { error } = await failure("  ");
    expect(error.detail).toBe("the body is empty");
  });

  it("streams: elements arrive before the array is complete", async () => {
    async function* slow() {
      yield `[${JSON.stringify(rec(0))},`;
      yield `${JSON.stringify(rec(1))},`;
      throw new Error("connection reset");
    }
    const { items, error } = await collectUntilError(parseJsonArray(slow()));
    expect(items.map((i) => i.index)).toEqual([0, 1]);
    expect((error as Error).message).toBe("connection reset");
  });
});
