import { sql } from "drizzle-orm";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { intakeContext } from "~/services/enrichment.server";
import { ingest } from "~/services/intake.server";
import { maintenanceWindows, subscribers } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Page } from "./support/html";
import { startTestServer } from "./support/server";
import { addComponent, addUpdate, openIncident } from "./support/status";

let t: TestDatabase;
let server: RunningServer;
let power: { id: number };
let internet: { id: number };

beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t, {}, { workers: false });
  power = await addComponent(t, "Power", 0);
  internet = await addComponent(t, "Internet", 1);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, server.url), { headers });
  return { response, body: await response.text() };
}

async function page(path = "/status") {
  const { response, body } = await get(path);
  expect(response.status).toBe(200);
  return new Page(body);
}

function regionStates(p: Page): Record<string, string> {
  const out: Record<string, string> = {};
  for (const li of p.byAttr("data-region")) {
    const badge = p.all((el) => el.attribs["data-state"] !== undefined && isInside(el, li))[0];
    out[li.attribs["data-region"]] = badge.attribs["data-state"];
  }
  return out;
}
function isInside(el: { parent: unknown }, ancestor: unknown): boolean {
  for (let p = el.parent as { parent: unknown } | null; p; p = p.parent as { parent: unknown } | null) {
    if (p === ancestor) return true;
  }
  return false;
}
function componentStates(p: Page): Record<string, string> {
  const out: Record<string, string> = {};
  for (const li of p.byAttr("data-component")) {
    const badge = p.all((el) => el.attribs["data-state"] !== undefined && isInside(el, li))[0];
    out[li.attribs["data-component"]] = badge.attribs["data-state"];
  }
  return out;
}

const LEAKS = ["internal name", "internal notes", "SECRET DRAFT", "COMPLAINT-TEXT-7781", "leaky@example.com"];

describe("the public status page", () => {
  it("all clear: an operational banner, no affected region, cached with an ETag and answered 304", async () => {
    const { response, body } = await get("/status");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe(
      "public, max-age=0, s-maxage=15, stale-if-error=86400",
    );
    const etag = response.headers.get("etag");
    expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/);
    const p = new Page(body);
    expect(p.one("data-testid", "status-banner").attribs["data-level"]).toBe("operational");
    expect(p.text(p.one("data-testid", "status-banner"))).toContain("All systems operational");
    expect(p.byAttr("data-testid", "no-affected-regions")).toHaveLength(1);
    expect(p.text(p.one("data-testid", "history"))).toContain(
      "No incidents or maintenance in the past 90 days",
    );
    // Landmarks and a skip link for keyboard users; the page is complete without JavaScript.
    expect(p.byTag("main")).toHaveLength(1);
    expect(p.byTag("header")).toHaveLength(1);
    expect(p.byTag("footer")).toHaveLength(1);
    expect(p.byAttr("href", "#main")).toHaveLength(1);
    expect(p.byTag("html")[0].attribs.lang).toBe("en");
    expect(componentStates(p)).toEqual({ Power: "operational", Internet: "operational" });

    const again = await get("/status", { "If-None-Match": etag! });
    expect(again.response.status).toBe(304);
    expect(again.body).toBe("");
    expect(again.response.headers.get("etag")).toBe(etag);
  });

  it("shows nothing unpublished: drafts, incident records, complaints and subscribers stay private", async () => {
    const incident = await openIncident(t, "West outage (internal name)", ["CA"]);
    await addUpdate(t, incident.id, { publishedAt: null, title: "SECRET DRAFT", body: "SECRET DRAFT body" });
    await addUpdate(t, incident.id, { publishedAt: null, state: "approved", body: "SECRET DRAFT approved" });
    const ctx = await intakeContext({ db: t.database.db, orgId: t.org.id });
    await ingest(ctx, [
      {
        index: 0,
        value: { source: "x", text: "COMPLAINT-TEXT-7781 power out", createdAt: new Date().toISOString() },
      },
    ]);
    await t.database.db
      .insert(subscribers)
      .values({ orgId: t.org.id, kind: "email", address: "leaky@example.com", unsubscribeTokenHash: "h" });
    const p = await page();
    expect(p.one("data-testid", "status-banner").attribs["data-level"]).toBe("operational");
    for (const path of ["/status", "/status/feed.atom", "/status/feed.rss", "/status/feed.json"]) {
      const { body } = await get(path);
      for (const leak of LEAKS) expect(body, `${path} leaks ${leak}`).not.toContain(leak);
    }
    expect((await get(`/status/incidents/${incident.id}`)).response.status).toBe(404);
    expect((await get("/status/incidents/999999")).response.status).toBe(404);
    expect((await get("/status/incidents/abc")).response.status).toBe(404);
  });

  it("scheduled and in-progress maintenance: listed, and the banner and components say so", async () => {
    const now = Date.now();
    await t.database.db.insert(maintenanceWindows).values([
      {
        orgId: t.org.id,
        title: "Network upgrade",
        description: "Brief interruptions.",
        regions: ["WA"],
        componentIds: [internet.id],
        startsAt: new Date(now - 3600_000),
        endsAt: new Date(now + 3600_000),
        state: "in_progress" as const,
      },
      {
        orgId: t.org.id,
        title: "Substation works",
        regions: ["OR"],
        startsAt: new Date(now + 86_400_000),
        endsAt: new Date(now + 90_000_000),
      },
      {
        orgId: t.org.id,
        title: "Old works",
        startsAt: new Date(now - 5 * 86_400_000),
        endsAt: new Date(now - 5 * 86_400_000 + 3600_000),
        state: "completed" as const,
      },
    ]);
    const p = await page();
    expect(p.one("data-testid", "status-banner").attribs["data-level"]).toBe("maintenance");
    const section = p.one("data-testid", "maintenance");
    expect(p.text(section)).toContain("Network upgrade");
    expect(p.text(section)).toContain("In progress");
    expect(p.text(section)).toContain("Substation works");
    expect(p.text(section)).toContain("Scheduled");
    expect(p.text(section)).not.toContain("Old works");
    expect(p.text(p.one("data-testid", "history"))).toContain("Old works");
    expect(regionStates(p)).toEqual({ WA: "maintenance" });
    expect(componentStates(p)).toEqual({ Power: "operational", Internet: "maintenance" });
  });

  it("one region down: its state, the component, the incident's published update and the region finder", async () => {
    const before = (await get("/status")).response.headers.get("etag")!;
    const incident = await openIncident(t, "Internal: feeder 12", ["CA", "NV"]);
    await addUpdate(t, incident.id, {
      title: "Power outage in California",
      body: "Crews are on the way.",
      regions: ["CA"],
      componentStatuses: { [String(power.id)]: "major_outage" },
      nextUpdateAt: new Date(Date.now() + 1800_000),
    });
    // The old ETag no longer matches: the page is rebuilt.
    expect((await get("/status", { "If-None-Match": before })).response.status).toBe(200);
    const p = await page();
    expect(p.one("data-testid", "status-banner").attribs["data-level"]).toBe("major_outage");
    expect(regionStates(p)).toEqual({ CA: "investigating", WA: "maintenance" });
    expect(componentStates(p).Power).toBe("major_outage");
    const incidents = p.byAttr("data-testid", "public-incident");
    expect(incidents).toHaveLength(1);
    expect(p.text(incidents[0])).toContain("Power outage in California");
    expect(p.text(incidents[0])).toContain("Crews are on the way.");
    expect(p.text(incidents[0])).toContain("Next update by");
    expect(p.text(incidents[0])).not.toContain("feeder 12");

    const ca = await page("/status?region=ca");
    expect(ca.text(ca.one("data-testid", "region-answer"))).toBe("California: Investigating");
    const tx = await page("/status?region=TX");
    expect(tx.text(tx.one("data-testid", "region-answer"))).toBe("Texas: Operational");
    const nowhere = await page("/status?region=<script>");
    expect(nowhere.byAttr("data-testid", "region-answer")).toHaveLength(0);

    const detail = await page(`/status/incidents/${incident.id}`);
    expect(detail.byAttr("id", "update-1")).toHaveLength(1);
    expect(detail.text(detail.byTag("main")[0])).toContain("California");
  });

  it("several incidents: newest first, each region at its worst state, resolved ones in history", async () => {
    const day = 86_400_000;
    const second = await openIncident(t, "Storm", ["NV", "OR"]);
    await addUpdate(t, second.id, {
      title: "Storm damage in Nevada and Oregon",
      regions: ["NV", "OR"],
      incidentState: "identified",
      publishedAt: new Date(Date.now() - 600_000),
    });
    const u2 = await addUpdate(t, second.id, {
      title: "Storm damage in Nevada and Oregon",
      body: "Repairs are under way in Oregon.",
      regions: ["NV", "OR"],
      incidentState: "monitoring",
      componentStatuses: { [String(internet.id)]: "degraded" },
    });
    const resolved = await openIncident(t, "Billing glitch", ["TX"]);
    await addUpdate(t, resolved.id, {
      title: "Billing page errors",
      regions: ["TX"],
      publishedAt: new Date(Date.now() - 3 * day),
    });
    await addUpdate(t, resolved.id, {
      kind: "resolution",
      title: "Billing page errors",
      regions: ["TX"],
      incidentState: "resolved",
      publishedAt: new Date(Date.now() - 3 * day + 3600_000),
    });
    const p = await page();
    const titles = p
      .byAttr("data-testid", "public-incident")
      .map((el) => p.text(el.children.filter((c) => c.type === "tag")[0] as never));
    expect(titles[0]).toContain("Storm damage in Nevada and Oregon");
    expect(titles[1]).toContain("Power outage in California");
    expect(titles).toHaveLength(2);
    expect(regionStates(p)).toEqual({
      CA: "investigating",
      NV: "monitoring",
      OR: "monitoring",
      WA: "maintenance",
    });
    expect(componentStates(p)).toEqual({ Power: "major_outage", Internet: "degraded" });
    expect(p.text(p.one("data-testid", "history"))).toContain("Billing page errors");
    // Updates newest first.
    const storm = await page(`/status/incidents/${second.id}`);
    const anchors = storm.all((el) => /^update-\d+$/.test(el.attribs.id ?? "")).map((el) => el.attribs.id);
    expect(anchors).toEqual([`update-${u2.number}`, `update-${u2.number - 1}`]);
    expect(storm.text(storm.byTag("main")[0])).toContain("Repairs are under way in Oregon.");
  });
});

describe("the feeds", () => {
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" });

  it("Atom 1.0: well-formed, with the required feed and entry elements", async () => {
    const { response, body } = await get("/status/feed.atom");
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(XMLValidator.validate(body)).toBe(true);
    const feed = xml.parse(body).feed;
    expect(feed["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
    for (const field of ["id", "title", "updated"]) expect(feed[field]).toBeTruthy();
    expect(new Date(feed.updated).toISOString()).toBe(feed.updated);
    const entries = [feed.entry].flat();
    expect(entries.length).toBeGreaterThanOrEqual(6);
    for (const e of entries) {
      expect(e.id).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/status/);
      expect(e.title["#text"] ?? e.title).toBeTruthy();
      expect(Number.isNaN(Date.parse(e.updated))).toBe(false);
      expect([e.link].flat()[0]["@href"]).toBe(e.id);
    }
    expect(entries.some((e) => /\/status\/incidents\/\d+#update-\d+$/.test(e.id))).toBe(true);
    const etag = response.headers.get("etag")!;
    expect((await get("/status/feed.atom", { "If-None-Match": etag })).response.status).toBe(304);
  });

  it("RSS 2.0: well-formed, channel and items with guid and RFC 822 dates", async () => {
    const { response, body } = await get("/status/feed.rss");
    expect(response.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(XMLValidator.validate(body)).toBe(true);
    const rss = xml.parse(body).rss;
    expect(rss["@version"]).toBe("2.0");
    for (const field of ["title", "link", "description"]) expect(rss.channel[field]).toBeTruthy();
    const items = [rss.channel.item].flat();
    expect(items.length).toBeGreaterThanOrEqual(6);
    for (const item of items) {
      expect(item.title).toBeTruthy();
      expect(item.guid["#text"] ?? item.guid).toBeTruthy();
      expect(item.pubDate).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    }
  });

  it("JSON Feed 1.1: version, title and items with id and content", async () => {
    const { response, body } = await get("/status/feed.json");
    expect(response.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
    const feed = JSON.parse(body);
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.title).toBe("Clarion status");
    expect(feed.feed_url).toMatch(/\/status\/feed\.json$/);
    expect(feed.author).toBeUndefined();
    expect(feed.authors).toEqual([{ name: "Clarion", url: expect.stringMatching(/\/status$/) }]);
    expect(feed.items.length).toBeGreaterThanOrEqual(6);
    for (const item of feed.items) {
      expect(typeof item.id).toBe("string");
      expect(typeof item.content_html === "string" || typeof item.content_text === "string").toBe(true);
      expect(Number.isNaN(Date.parse(item.date_published))).toBe(false);
    }
    const dates = feed.items.map((i: { date_published: string }) => Date.parse(i.date_published));
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    const first = feed.items[0];
    expect(first.title).toContain("Storm damage in Nevada and Oregon");
    for (const leak of LEAKS) expect(body).not.toContain(leak);
  });

  it("the region outlines for the map are GeoJSON, cached", async () => {
    const { response, body } = await get("/status/regions.json");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    const fc = JSON.parse(body);
    expect(fc.type).toBe("FeatureCollection");
    expect(fc.features.length).toBe(51);
    expect(body.length).toBeLessThan(400_000);
    await t.database.db.execute(sql`select 1`);
  });
});
