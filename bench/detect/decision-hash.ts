import type { CellDecision, CellState } from "~/domain/detection/engine";

/**
 * A 64-bit FNV-1a hash (two 32-bit lanes) of every figure of every decision, bit for bit (doubles
 * hashed by their bytes), and of the final states as canonical JSON (keys sorted): two versions of the
 * detector give the same hash on the same counts only if their outputs are identical.
 */
export class DecisionHash {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;
  private readonly f = new Float64Array(1);
  private readonly u = new Uint32Array(this.f.buffer);
  decisions = 0;

  private word(x: number): void {
    this.a = Math.imul(this.a ^ x, 0x01000193);
    this.b = Math.imul(this.b ^ (x + 0x9e3779b9), 0x01000193);
  }
  private num(x: number | null): void {
    if (x === null) {
      this.word(0x7fffffff);
      return;
    }
    this.f[0] = x;
    this.word(this.u[0]);
    this.word(this.u[1]);
  }
  private str(s: string | null): void {
    if (s === null) {
      this.word(0x7ffffffe);
      return;
    }
    for (let k = 0; k < s.length; k++) this.word(s.charCodeAt(k));
    this.word(0x7ffffffd);
  }

  add(decisions: readonly CellDecision[]): void {
    for (const d of decisions) {
      this.decisions++;
      this.str(d.region);
      this.str(d.topic);
      this.str(d.level);
      this.str(d.reason);
      this.str(d.baseline);
      this.num(d.score);
      this.num(d.expected);
      this.num(d.size);
      this.num(d.pValue);
      this.num(d.observed);
      this.num(d.ratio);
      this.num(d.onsetAt);
      this.num(d.opened ? 1 : 0);
      this.num(d.inSpike ? 1 : 0);
      this.num(d.scale);
      this.num(d.windowBuckets);
      this.num(d.windowObserved);
      this.num(d.windowExpected);
      this.num(d.windowLogP);
    }
  }

  addStates(states: readonly (CellState | null)[]): void {
    for (const s of states) this.str(canonicalJson(s));
  }

  hex(): string {
    return `${(this.a >>> 0).toString(16).padStart(8, "0")}${(this.b >>> 0).toString(16).padStart(8, "0")}`;
  }
}

/** JSON with object keys sorted (what jsonb keeps is the same whatever the key order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v,
  );
}
