import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { launchBrowser, screenshotPath } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { createUser, startTestServer, TEST_PASSWORD } from "../support/server";

let t: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t);
  await createUser(t, "commander", "casey@test.example");
  await createUser(t, "viewer", "val@test.example");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

describe("the console shell in a real browser", () => {
  it("signs in, shows the shell, and signs out", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe("/signin");

    await page.fill("#email", "casey@test.example");
    await page.fill("#password", "definitely not it");
    await page.click("button[type=submit]");
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("do not match");

    await page.fill("#email", "casey@test.example");
    await page.fill("#password", TEST_PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.url}/incidents`);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of [
      "Incidents",
      "Spikes",
      "Complaints",
      "Updates",
      "Status page",
      "Settings",
      "Metrics",
    ]) {
      await expect.poll(() => nav.getByText(label).count()).toBeGreaterThan(0);
    }
    expect(await page.getByTestId("me").textContent()).toContain("Incident commander");
    await expect.poll(() => page.getByTestId("empty-state").textContent()).toContain("No open incidents");

    await nav.getByText("Spikes").click();
    await page.waitForURL(`${server.url}/spikes`);
    await page.getByTestId("empty-state").waitFor();
    await page.screenshot({ path: screenshotPath("shell-spikes"), fullPage: true });

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "clarion_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    expect(await page.evaluate(() => document.cookie)).not.toContain("clarion_session");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin$/);
    await page.goto(`${server.url}/incidents`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    await page.screenshot({ path: screenshotPath("shell-signed-out") });
  });

  it("shows a viewer a read-only settings page", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/signin`);
    await page.fill("#email", "val@test.example");
    await page.fill("#password", TEST_PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.url}/incidents`);
    await page.goto(`${server.url}/settings`);
    expect(await page.getByText("API tokens").count()).toBe(0);
    expect(await page.getByText("Regions (51)").count()).toBe(1);
    await page.screenshot({ path: screenshotPath("shell-settings-viewer"), fullPage: true });
  });
});
