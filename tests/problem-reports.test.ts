import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { submitReport } from "~/services/problem-reports.server";
import { RateLimitedError, ValidationError } from "~/utils/errors";
import { complaints } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Page } from "./support/html";
import { Client, startTestServer } from "./support/server";

let t: TestDatabase;
let server: RunningServer;
let client: Client;

beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t, {}, { workers: false });
  client = new Client(server.url);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const formComplaints = () => t.database.db.select().from(complaints).where(eq(complaints.source, "form"));

describe("report a problem over HTTP", () => {
  it("offers the taxonomy's problem types and a honeypot, and works without JavaScript", async () => {
    const response = await client.request("/status/report");
    expect(response.status).toBe(200);
    const page = new Page(await response.text());
    const options = page
      .byTag("option")
      .map((o) => o.attribs.value)
      .filter(Boolean);
    expect(options).toEqual(expect.arrayContaining(["outage", "degraded", "billing", "safety"]));
    expect(page.byAttr("name", "website")).toHaveLength(1);
    expect(page.byTag("form")[0].attribs.method).toBe("post");
    // "Use my location" needs JavaScript: it is not in the server's HTML.
    expect(page.byAttr("data-testid", "use-location")).toHaveLength(0);
  });

  it("stores a report as a `form` complaint through intake: region from the ZIP, the chosen topic, no IP", async () => {
    const response = await client.post("/status/report", {
      postalCode: "95814",
      topic: "billing",
      details: "My power is out and the app shows an error",
      website: "",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/status/report?sent=1");
    const [row] = await formComplaints();
    expect(row).toMatchObject({
      source: "form",
      regionCode: "CA",
      regionMethod: "postal",
      postalCode: "95814",
      topicSlug: "billing",
      topicScore: 1,
      text: "My power is out and the app shows an error",
      authorHandle: null,
    });
    expect(JSON.stringify(row.raw)).not.toContain("127.0.0.1");
    const thanks = new Page(await (await client.request("/status/report?sent=1")).text());
    expect(thanks.text(thanks.one("data-testid", "report-sent"))).toBe(
      "Thank you. Your report has been received.",
    );
  });

  it("takes a location instead of a ZIP (rounded to about a kilometre), with a default text", async () => {
    const response = await client.post("/status/report", {
      lat: "39.52961",
      lon: "-119.81381",
      topic: "outage",
    });
    expect(response.status).toBe(303);
    const rows = await formComplaints();
    const row = rows.find((r) => r.lat !== null)!;
    expect(row).toMatchObject({ lat: 39.53, lon: -119.81, regionCode: "NV", topicSlug: "outage" });
    expect(row.text).toBe("Outage reported on the status page");
  });

  it("a filled honeypot looks like success and stores nothing", async () => {
    const before = (await formComplaints()).length;
    const response = await client.post("/status/report", {
      postalCode: "10001",
      topic: "outage",
      website: "http://spam",
    });
    expect(response.status).toBe(303);
    expect((await formComplaints()).length).toBe(before);
  });

  it("answers invalid input with 400 and a clear message per field, never a 500", async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ topic: "outage" }, "postalCode", /ZIP code, or use your location/],
      [{ postalCode: "ABC", topic: "outage" }, "postalCode", /5-digit ZIP code/],
      [{ postalCode: "10001", topic: "" }, "topic", /Choose what the problem is/],
      [{ postalCode: "10001", topic: "nonsense" }, "topic", /from the list/],
      [{ postalCode: "10001", topic: "outage", details: "x".repeat(1001) }, "details", /under 1,000/],
      [{ lat: "91", lon: "0", topic: "outage" }, "lat", /location is not valid/],
    ];
    for (const [fields, field, message] of cases) {
      const response = await client.post("/status/report", fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      const page = new Page(await response.text());
      expect(page.text(page.one("data-testid", "report-error"))).toBe(
        "Please correct the fields marked below.",
      );
      if (field !== "lat") expect(page.text(page.one("id", `${field}-error`))).toMatch(message);
    }
    const junk = await client.request("/status/report", {
      method: "POST",
      body: "{not a form",
      headers: { "Content-Type": "application/json" },
    });
    expect(junk.status).toBe(400);
  });

  it("refuses cross-site posts", async () => {
    const response = await client.post(
      "/status/report",
      { postalCode: "10001", topic: "outage" },
      { origin: "https://evil.example" },
    );
    expect(response.status).toBe(403);
  });

  it("rate-limits per IP address with a 429 and Retry-After", async () => {
    let limited: Response | null = null;
    // Five an IP per 10-minute window; at most two windows can be touched, so 11 tries always meet a 429.
    for (let i = 0; i < 11 && !limited; i++) {
      const response = await client.post("/status/report", { postalCode: "10001", topic: "outage" });
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(303);
    }
    expect(limited).not.toBeNull();
    const retryAfter = Number(limited!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    const page = new Page(await limited!.text());
    expect(page.text(page.one("data-testid", "report-error"))).toMatch(
      /^Too many reports from here\. Try again in \d+ minute/,
    );
  });
});

describe("submitReport limits", () => {
  const ctx = () => ({ db: t.database.db, orgId: t.org.id });

  it("limits one postal code to 30 reports per 10 minutes, whatever the IP address", async () => {
    const now = new Date("2026-11-02T12:03:00Z");
    for (let i = 0; i < 30; i++) {
      await submitReport(ctx(), { postalCode: "73301", topic: "outage" }, { ip: `192.0.2.${i}`, now });
    }
    const error = await submitReport(
      ctx(),
      { postalCode: "73301", topic: "outage" },
      { ip: "192.0.2.200", now },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(420);
    // Another postal code, and the next window, are not limited.
    await expect(
      submitReport(ctx(), { postalCode: "73344", topic: "outage" }, { ip: "192.0.2.201", now }),
    ).resolves.toEqual({
      stored: true,
    });
    const later = new Date("2026-11-02T12:10:00Z");
    await expect(
      submitReport(ctx(), { postalCode: "73301", topic: "outage" }, { ip: "192.0.2.202", now: later }),
    ).resolves.toEqual({
      stored: true,
    });
  });

  it("validates before counting: invalid reports do not use up the limit", async () => {
    const now = new Date("2026-11-02T13:01:00Z");
    for (let i = 0; i < 8; i++) {
      await expect(
        submitReport(ctx(), { postalCode: "1", topic: "outage" }, { ip: "192.0.2.250", now }),
      ).rejects.toThrow(ValidationError);
    }
    await expect(
      submitReport(ctx(), { postalCode: "30301", topic: "outage" }, { ip: "192.0.2.250", now }),
    ).resolves.toEqual({
      stored: true,
    });
  });
});
