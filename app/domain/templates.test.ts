import { describe, expect, it } from "vitest";
import { smsSegments } from "./channels/sms";
import {
  DEFAULT_TEMPLATES,
  formatDeadline,
  formatRegionList,
  formatTime,
  PLACEHOLDERS,
  placeholdersOf,
  renderTemplate,
  templateProblems,
} from "./templates";

describe("renderTemplate", () => {
  it("substitutes known placeholders", () => {
    expect(
      renderTemplate("Outage in {regions}. Next update {next_update}. Update #{update_number}", {
        regions: "California and Nevada",
        next_update: "by 3:30 PM PST",
        update_number: 2,
      }),
    ).toEqual({
      text: "Outage in California and Nevada. Next update by 3:30 PM PST. Update #2",
      problems: [],
    });
  });

  it("turns {{ and }} into literal braces, not placeholders", () => {
    expect(renderTemplate("Use {{braces}} for {org}", { org: "Acme" })).toEqual({
      text: "Use {braces} for Acme",
      problems: [],
    });
    expect(placeholdersOf("{{regions}}")).toEqual([]);
  });

  it("reports unknown placeholders and leaves them as written", () => {
    const { text, problems } = renderTemplate("Hi {customer}", {});
    expect(text).toBe("Hi {customer}");
    expect(problems).toEqual([
      expect.objectContaining({ kind: "unknown", placeholder: "customer", index: 3 }),
    ]);
  });

  it("reports placeholders with no value (missing, null or blank), and keeps them visible", () => {
    const { text, problems } = renderTemplate("Back {eta}. Next {next_update}. By {org}", {
      eta: null,
      next_update: "  ",
      org: "Acme",
    });
    expect(text).toBe("Back {eta}. Next {next_update}. By Acme");
    expect(problems.map((p) => [p.kind, p.placeholder, p.index])).toEqual([
      ["missing", "eta", 5],
      ["missing", "next_update", 17],
    ]);
  });

  it("reports stray braces as syntax problems", () => {
    expect(templateProblems("a } b { regions }").map((p) => [p.kind, p.placeholder, p.index])).toEqual([
      ["syntax", "}", 2],
      ["syntax", "{", 6],
      ["syntax", "}", 16],
    ]);
    expect(renderTemplate("50% {off", {}).text).toBe("50% {off");
  });
});

describe("placeholdersOf / templateProblems", () => {
  it("lists each placeholder once in order, known or not", () => {
    expect(placeholdersOf("{org} {regions} {org} {bogus}")).toEqual(["org", "regions", "bogus"]);
  });

  it("finds no problem in a template that uses only known placeholders, whatever the values", () => {
    expect(templateProblems(PLACEHOLDERS.map((p) => `{${p}}`).join(" "))).toEqual([]);
  });
});

describe("DEFAULT_TEMPLATES", () => {
  it("has a general and a per-topic text for every kind, uniquely named", () => {
    const keys = DEFAULT_TEMPLATES.map((t) => `${t.topic ?? "general"}/${t.kind}`);
    expect(new Set(keys).size).toBe(18);
    expect(new Set(DEFAULT_TEMPLATES.map((t) => t.name)).size).toBe(DEFAULT_TEMPLATES.length);
  });

  it("uses only known placeholders and GSM-7 characters (so SMS stays 160 a segment)", () => {
    for (const template of DEFAULT_TEMPLATES) {
      expect(templateProblems(template.body), template.name).toEqual([]);
      expect(smsSegments(template.body).nonGsmCharacters, template.name).toEqual([]);
    }
  });

  it("promises the next update in every holding statement and update", () => {
    for (const template of DEFAULT_TEMPLATES.filter((t) => t.kind !== "resolution")) {
      expect(placeholdersOf(template.body), template.name).toContain("next_update");
    }
  });
});

describe("formatRegionList", () => {
  it("joins up to four names with commas and 'and'", () => {
    expect(formatRegionList([])).toBe("");
    expect(formatRegionList(["California"])).toBe("California");
    expect(formatRegionList(["California", "Nevada"])).toBe("California and Nevada");
    expect(formatRegionList(["California", "Nevada", "Oregon"])).toBe("California, Nevada and Oregon");
    expect(formatRegionList(["California", "Nevada", "Oregon", "Utah"])).toBe(
      "California, Nevada, Oregon and Utah",
    );
  });

  it("names two and counts the rest past four", () => {
    const seven = ["California", "Nevada", "Oregon", "Utah", "Idaho", "Arizona", "Washington"];
    expect(formatRegionList(seven)).toBe("California, Nevada and 5 other states");
    expect(formatRegionList(seven, { others: "other regions" })).toBe(
      "California, Nevada and 5 other regions",
    );
  });
});

describe("formatTime / formatDeadline", () => {
  // US daylight saving time ends on Sunday 1 November 2026: 2 November is PST (UTC−8).
  it("shows the time in the zone with its abbreviation", () => {
    expect(formatTime("2026-11-02T23:30:00Z", "America/Los_Angeles")).toBe("3:30 PM PST");
    expect(formatTime("2026-07-01T22:30:00Z", "America/Los_Angeles")).toBe("3:30 PM PDT");
    expect(formatTime("2026-11-02T23:30:00Z", "UTC")).toBe("11:30 PM UTC");
    expect(formatDeadline("2026-11-02T23:30:00Z", "America/New_York")).toBe("by 6:30 PM EST");
  });

  it("names the day when it is not today in that zone", () => {
    const now = "2026-11-02T20:00:00Z"; // noon PST
    expect(formatTime("2026-11-02T23:30:00Z", "America/Los_Angeles", { now })).toBe("3:30 PM PST");
    expect(formatTime("2026-11-03T17:00:00Z", "America/Los_Angeles", { now })).toBe("9:00 AM PST tomorrow");
    expect(formatTime("2026-11-05T17:00:00Z", "America/Los_Angeles", { now })).toBe("9:00 AM PST on Nov 5");
    // 07:30Z on 3 November is still 2 November in Los Angeles (11:30 PM).
    expect(formatDeadline("2026-11-03T07:30:00Z", "America/Los_Angeles", { now })).toBe("by 11:30 PM PST");
  });

  it("rejects a value that is not a date", () => {
    expect(() => formatTime("soon", "UTC")).toThrow(RangeError);
  });
});
