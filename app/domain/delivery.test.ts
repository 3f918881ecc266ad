import { describe, expect, it } from "vitest";
import { backoffMs, isSettled, RETRY_POLICY } from "./delivery";

describe("delivery backoff", () => {
  it("grows exponentially with half of each step jittered", () => {
    expect(backoffMs(1, undefined, () => 0)).toBe(1_000);
    expect(backoffMs(1, undefined, () => 1)).toBe(2_000);
    expect(backoffMs(3, undefined, () => 0)).toBe(4_000);
    expect(backoffMs(3, undefined, () => 1)).toBe(8_000);
  });

  it("is capped, however many attempts were made", () => {
    expect(backoffMs(40, undefined, () => 1)).toBe(RETRY_POLICY.capMs);
  });

  it("never retries before the remote's Retry-After, even past the cap", () => {
    expect(backoffMs(1, 30_000, () => 0)).toBe(30_000);
    expect(backoffMs(1, 3_600_000, () => 1)).toBe(3_600_000);
  });

  it("spreads simultaneous retries out", () => {
    const waits = new Set([0.1, 0.4, 0.7, 0.95].map((r) => backoffMs(4, undefined, () => r)));
    expect(waits.size).toBe(4);
  });

  it("treats sent, failed, unknown and cancelled as settled", () => {
    expect(["sent", "failed", "unknown", "cancelled"].every((s) => isSettled(s as never))).toBe(true);
    expect(isSettled("pending")).toBe(false);
    expect(isSettled("sending")).toBe(false);
  });
});
