import { describe, expect, it } from "vitest";
import { Rng } from "./prng";
import {
  addSlang,
  addTypos,
  compileTemplate,
  type FillContext,
  fill,
  placeMention,
  shout,
  tidy,
} from "./text";
import { DEFAULT_COMPANY, type SourceName } from "./types";

const FRESNO = { name: "Fresno", lat: 36.74, lon: -119.79, zip: "93721" };

function context(seed: number, source: SourceName = "x"): FillContext {
  return {
    rng: new Rng(seed),
    company: DEFAULT_COMPANY,
    source,
    city: FRESNO,
    regionCode: "CA",
    regionName: "California",
    firstName: "Dana",
  };
}

describe("templates", () => {
  it("picks among alternatives, nested and empty ones included", () => {
    const template = compileTemplate("[Power|Internet] out[ in {city}[ again|]|]!");
    const seen = new Set<string>();
    for (let seed = 0; seed < 400; seed++) seen.add(fill(template, context(seed)));
    expect(seen).toEqual(
      new Set([
        "Power out in Fresno again!",
        "Power out in Fresno!",
        "Power out!",
        "Internet out in Fresno again!",
        "Internet out in Fresno!",
        "Internet out!",
      ]),
    );
  });

  it("fills slots with varied values", () => {
    const template = compileTemplate("{addr} / {amt} / {time}");
    const values = new Set<string>();
    for (let seed = 0; seed < 100; seed++) {
      const text = fill(template, context(seed));
      expect(text).toMatch(/^\d+ [A-Z0-9][\w ]+ \/ \$\d+\.\d\d \/ \S/);
      values.add(text);
    }
    expect(values.size).toBeGreaterThan(95);
  });

  it("names the company by its handle on social and by name elsewhere", () => {
    const template = compileTemplate("{at}");
    expect(fill(template, context(1, "x"))).toBe("@KestrelCares");
    expect(fill(template, context(1, "bluesky"))).toBe("@kestrelpower.bsky.social");
    expect(fill(template, context(1, "mastodon"))).toBe("@kestrel@mastodon.social");
    expect(fill(template, context(1, "callcentre"))).toBe("Kestrel");
  });

  it("refuses unknown slots and unbalanced brackets", () => {
    expect(() => compileTemplate("no power on {road}")).toThrow(/unknown slot \{road\}/);
    expect(() => compileTemplate("no [power|internet")).toThrow(/without "\]"/);
    expect(() => compileTemplate("no power]")).toThrow(/unexpected "\]"/);
    expect(() => compileTemplate("no {street")).toThrow(/without "\}"/);
  });

  it("tidies the spaces that empty alternatives leave", () => {
    expect(tidy("  power  out , again ! ")).toBe("power out, again!");
  });
});

describe("roughing up", () => {
  it("writes places the many ways people do", () => {
    const forms = new Set<string>();
    for (let seed = 0; seed < 300; seed++) forms.add(placeMention(new Rng(seed), FRESNO, "CA", "California"));
    expect(forms).toContain("Fresno, CA");
    expect(forms).toContain("in Fresno");
    expect(forms).toContain("#Fresno");
    expect(forms).toContain("Fresno CA");
    expect(forms).toContain("Fresno, California");
  });

  it("adds typos without touching handles or hashtags", () => {
    const text = "@KestrelCares power has been out since this morning on Maple Dr #poweroutage";
    let changed = 0;
    for (let seed = 0; seed < 200; seed++) {
      const out = addTypos(text, new Rng(seed));
      if (out !== text) changed++;
      expect(out.startsWith("@KestrelCares ")).toBe(true);
      expect(out.endsWith(" #poweroutage")).toBe(true);
      expect(Math.abs(out.length - text.length)).toBeLessThanOrEqual(2);
    }
    expect(changed).toBeGreaterThan(150);
  });

  it("turns words into text-speak and shouts everything but handles", () => {
    const slang = addSlang("please tell me why you charged me right now", new Rng(5));
    expect(slang).not.toBe("please tell me why you charged me right now");
    expect(slang).toMatch(/\b(pls|u|rn)\b/);
    expect(shout("@KestrelCares power out https://x.co/a")).toBe("@KestrelCares POWER OUT https://x.co/a");
  });
});
