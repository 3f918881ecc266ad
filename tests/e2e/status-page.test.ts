import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { SYSTEM } from "~/services/audit.server";
import { createIncident } from "~/services/incidents.server";
import { statusUpdates } from "~db/schema";
import { launchBrowser, screenshotPath } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { createUser, startTestServer, TEST_PASSWORD } from "../support/server";

let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
let incidentId: number;

beforeAll(async () => {
  t = await freshDatabase();
  // Background loops on: the loop that places new complaints in open incidents is part of the path.
  server = await startTestServer(t, {}, { workers: true });
  await createUser(t, "support", "sam@test.example");
  const incident = await createIncident(
    t.database.db,
    t.org.id,
    { title: "Sacramento outage", severity: "SEV2", regions: ["CA"], topics: ["outage"] },
    SYSTEM,
  );
  incidentId = incident.id;
  await t.database.db.insert(statusUpdates).values({
    orgId: t.org.id,
    incidentId,
    kind: "holding",
    state: "published",
    title: "Power outage around Sacramento",
    body: "We are investigating reports of a power outage in California.",
    regions: ["CA"],
    incidentState: "investigating",
    publishedAt: new Date(),
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

describe("the public status page in a real browser", () => {
  it("a customer sees their region, reports a problem, and the report reaches the incident room's stream", async () => {
    const customer = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
    const page = await customer.newPage();
    await page.goto(`${server.url}/status`);
    await page.getByTestId("status-banner").waitFor();
    expect(await page.getByTestId("affected-regions").textContent()).toContain("California");
    // The map is an enhancement: it appears once the page runs JavaScript.
    await page.getByTestId("status-map").waitFor({ timeout: 30_000 });
    await page.selectOption("#region", "CA");
    await page.getByRole("button", { name: "Show" }).click();
    await expect
      .poll(() => page.getByTestId("region-answer").textContent())
      .toBe("California: Investigating");
    await page.screenshot({ path: screenshotPath("status-page"), fullPage: true });

    await page.getByRole("link", { name: "Report a problem" }).click();
    await page.waitForURL(`${server.url}/status/report`);
    await page.fill("#postalCode", "95814");
    await page.selectOption("#topic", "outage");
    await page.fill("#details", "E2E: lights out on Capitol Mall since noon");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.getByTestId("report-sent").waitFor();
    await page.screenshot({ path: screenshotPath("status-report-sent"), fullPage: true });

    // Support has the incident room open; the report arrives in its complaint stream by itself.
    const consoleContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const room = await consoleContext.newPage();
    await room.goto(`${server.url}/signin`);
    await room.fill("#email", "sam@test.example");
    await room.fill("#password", TEST_PASSWORD);
    await room.click("button[type=submit]");
    await room.waitForURL(`${server.url}/incidents`);
    await room.goto(`${server.url}/incidents/${incidentId}`);
    await room.getByTestId("incident-room").waitFor();
    await expect
      .poll(() => room.getByTestId("complaint-stream").textContent(), { timeout: 60_000 })
      .toContain("E2E: lights out on Capitol Mall since noon");
    const streamText = await room.getByTestId("complaint-stream").textContent();
    expect(streamText).toContain("form");
    await room.screenshot({ path: screenshotPath("status-report-in-room"), fullPage: true });
  });

  it("works with JavaScript off: the page, the region finder and the report form", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/status`);
    expect(await page.getByTestId("status-banner").getAttribute("data-level")).toBe("degraded");
    expect(await page.getByTestId("status-map").count()).toBe(0);
    await page.selectOption("#region", "TX");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/region=TX/);
    expect(await page.getByTestId("region-answer").textContent()).toBe("Texas: Operational");
    await page.goto(`${server.url}/status/report`);
    expect(await page.getByTestId("use-location").count()).toBe(0);
    await page.selectOption("#topic", "outage");
    await page.getByRole("button", { name: "Send report" }).click();
    expect(await page.getByTestId("report-error").textContent()).toBe(
      "Please correct the fields marked below.",
    );
    expect(await page.locator("#postalCode-error").textContent()).toBe(
      "Enter your ZIP code, or use your location",
    );
    // Keyboard: the skip link is the first stop and leads to the main content.
    await page.goto(`${server.url}/status`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to the status");
  });
});
