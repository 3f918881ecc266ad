import { describe, expect, it } from "vitest";
import { logGamma, logNegBinomialUpperTail } from "./stats";

describe("logGamma", () => {
  it("matches known values", () => {
    expect(logGamma(1)).toBeCloseTo(0, 9);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 9);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 9);
    expect(logGamma(3.5)).toBeCloseTo(Math.log(3.323350970447843), 9);
  });
});

describe("logNegBinomialUpperTail", () => {
  it("approaches the Poisson tail for a large shape", () => {
    // P(X ≥ 5 | Poisson(3)) = 0.184737...
    expect(Math.exp(logNegBinomialUpperTail(5, 1e8, 3))).toBeCloseTo(0.184737, 5);
    expect(Math.exp(logNegBinomialUpperTail(1, 1e8, 3))).toBeCloseTo(1 - Math.exp(-3), 6);
  });

  it("equals the geometric tail for shape 1", () => {
    // shape 1, mean m: P(X ≥ c) = (m / (1 + m))^c
    expect(Math.exp(logNegBinomialUpperTail(4, 1, 2))).toBeCloseTo((2 / 3) ** 4, 9);
  });

  it("is 1 at c ≤ 0 and stays finite far in the tail", () => {
    expect(logNegBinomialUpperTail(0, 2, 5)).toBe(0);
    const far = logNegBinomialUpperTail(1000, 0.5, 0.001);
    expect(Number.isFinite(far)).toBe(true);
    expect(far).toBeLessThan(-1000);
  });
});
