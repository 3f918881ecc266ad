import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { saveChannel } from "~/services/channels.server";
import { createIncident } from "~/services/incidents.server";
import { SecretBox } from "~/utils/crypto.server";
import { FakeMastodon } from "../fakes/mastodon";
import { WebhookReceiverFake } from "../fakes/webhook-receiver";
import { launchBrowser, screenshotPath, signIn as signInAs } from "../support/browser";
import { freshDatabase, type TestDatabase } from "../support/db";
import { createUser, startTestServer, TEST_PASSWORD } from "../support/server";

/**
 * Issue 10's end-to-end path in a real browser: comms drafts a holding statement from a template, an
 * approver approves it, its deliveries turn green in the room (status page, Mastodon and a signed webhook,
 * each a real loopback stand-in), and the public status page shows it.
 */

let t: TestDatabase;
let server: RunningServer;
let browser: Browser;
let mastodon: FakeMastodon;
let hook: WebhookReceiverFake;
let incidentId: number;
const SECRET = "x".repeat(40); // what startTestServer gives the app as CLARION_SECRET
const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

beforeAll(async () => {
  t = await freshDatabase();
  mastodon = await FakeMastodon.start();
  hook = await new WebhookReceiverFake(WEBHOOK_SECRET).start();
  // Detection and the demo feed off; the delivery worker on, as in production.
  server = await startTestServer(t, {}, { workers: false, deliveryWorker: true });
  const admin = await createUser(t, "admin", "ada@test.example");
  await createUser(t, "comms", "cam@test.example");
  await createUser(t, "approver", "april@test.example");
  const actor = { kind: "user" as const, userId: admin.id };
  const box = new SecretBox(SECRET);
  await saveChannel(
    t.database.db,
    box,
    t.org.id,
    {
      kind: "mastodon",
      name: "Mastodon",
      config: { baseUrl: mastodon.url },
      credentials: { accessToken: mastodon.token },
    },
    actor,
  );
  await saveChannel(
    t.database.db,
    box,
    t.org.id,
    {
      kind: "webhook",
      name: "Ops webhook",
      config: { url: hook.url },
      credentials: { secret: WEBHOOK_SECRET },
    },
    actor,
  );
  const incident = await createIncident(
    t.database.db,
    t.org.id,
    { title: "Power outage in the west", severity: "SEV2", regions: ["CA", "NV"], topics: ["outage"] },
    actor,
  );
  incidentId = incident.id;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await mastodon?.close();
  await hook?.close();
  await t?.close();
});

const signIn = (email: string) => signInAs(browser, server.url, email, TEST_PASSWORD);

describe("coordinated status updates in a real browser", () => {
  it("comms drafts from a template, an approver approves, every channel turns green and the status page shows it", async () => {
    const comms = await signIn("cam@test.example");
    await comms.goto(`${server.url}/incidents/${incidentId}`);
    const panel = comms.getByTestId("updates-panel");
    await panel.getByRole("button", { name: "Write an update" }).click();
    // The best template for an outage holding statement is chosen, and every channel previews with its count.
    const template = await comms.getByTestId("template-select").locator("option:checked").textContent();
    expect(template).toMatch(/Outage - holding statement/);
    const body = await comms.getByTestId("update-body").inputValue();
    expect(body).toContain("{regions}");
    const previews = comms.getByTestId("channel-previews");
    await expect.poll(() => previews.locator("[data-channel]").count()).toBe(3);
    const mastodonCount = await previews
      .locator('[data-channel="mastodon"] [data-testid="variant-count"]')
      .textContent();
    expect(mastodonCount).toMatch(/^\d+ \/ 500 chars$/);
    expect(await previews.locator('[data-channel="status_page"]').textContent()).toContain(
      "California and Nevada",
    );
    await comms.screenshot({ path: screenshotPath("publishing-composer"), fullPage: true });
    await panel.getByRole("button", { name: "Send for approval" }).click();
    const card = panel.getByTestId("update-card").first();
    await expect.poll(() => card.getAttribute("data-state"), { timeout: 15_000 }).toBe("in_review");
    // Comms cannot approve.
    expect(await card.getByRole("button", { name: "Approve and publish" }).count()).toBe(0);

    const approver = await signIn("april@test.example");
    await approver.goto(`${server.url}/incidents/${incidentId}`);
    const approverCard = approver.getByTestId("update-card").first();
    await approverCard.getByLabel("Approval comment").fill("Legal OK");
    await approverCard.getByRole("button", { name: "Approve and publish" }).click();
    await expect.poll(() => approverCard.getAttribute("data-state"), { timeout: 15_000 }).toBe("published");

    // Every delivery turns green in the comms browser too, live.
    const deliveries = card.getByTestId("delivery");
    await expect
      .poll(
        async () =>
          (await deliveries.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")))).join(),
        {
          timeout: 30_000,
        },
      )
      .toBe("sent,sent,sent");
    await comms.screenshot({ path: screenshotPath("publishing-delivered"), fullPage: true });
    expect(mastodon.posts).toHaveLength(1);
    expect(mastodon.posts[0].text).toContain("California and Nevada");
    expect(hook.events).toHaveLength(1);

    // The public status page (no sign-in) shows the statement as published, placeholders filled…
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${server.url}/status`);
    const publicText = (await visitor.textContent("main")) ?? "";
    expect(publicText).toContain("California and Nevada");
    expect(publicText).not.toContain("{regions}");
    await visitor.screenshot({ path: screenshotPath("publishing-status-page"), fullPage: true });
    // …and so do its feeds.
    const atom = await (await fetch(`${server.url}/status/feed.atom`)).text();
    expect(atom).toContain("California and Nevada");
    const json = (await (await fetch(`${server.url}/status/feed.json`)).json()) as {
      items: { content_text?: string; content_html?: string }[];
    };
    expect(
      json.items.some((i) =>
        `${i.content_text ?? ""}${i.content_html ?? ""}`.includes("California and Nevada"),
      ),
    ).toBe(true);
  });
});
