import { describe, expect, it } from "vitest";
import { byteLength } from "./chunks";
import { IntakeLimitError, limitBytes, limitRecords } from "./limits";
import { asyncSource, collect, collectUntilError } from "./testing";

describe("limitBytes", () => {
  it("passes a body of exactly the limit and stops at the first byte over it", async () => {
    expect(await collect(limitBytes(["abc", new Uint8Array(7)], 10))).toHaveLength(2);
    const { items, error } = await collectUntilError(limitBytes(asyncSource(["abc", "defgh", "ijk"]), 10));
    expect(items).toEqual(["abc", "defgh"]);
    expect(error).toBeInstanceOf(IntakeLimitError);
    expect((error as IntakeLimitError).message).toBe(
      "body too large: at most 10 bytes are accepted in one request",
    );
  });

  it("counts UTF-8 bytes of string chunks, not characters", async () => {
    expect(byteLength("é⚡🔌a")).toBe(2 + 3 + 4 + 1);
    expect(byteLength("é⚡🔌a")).toBe(new TextEncoder().encode("é⚡🔌a").byteLength);
    const { error } = await collectUntilError(limitBytes(["ééééé"], 9));
    expect(error).toBeInstanceOf(IntakeLimitError);
  });
});

describe("limitRecords", () => {
  it("passes N items and throws on item N+1, without reading further", async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i;
      }
    }
    const { items, error } = await collectUntilError(limitRecords(source(), 5));
    expect(items).toEqual([0, 1, 2, 3, 4]);
    expect(error).toBeInstanceOf(IntakeLimitError);
    expect((error as IntakeLimitError).limit).toBe("records");
    expect((error as IntakeLimitError).message).toBe(
      "too many records: at most 5 are accepted in one request",
    );
    expect(pulled).toBe(6);
  });
});
