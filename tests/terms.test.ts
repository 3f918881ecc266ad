import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intakeContext } from "~/services/enrichment.server";
import { ingest } from "~/services/intake.server";
import { countTerms, emergingTermsFor } from "~/services/terms.server";
import { freshDatabase, type TestDatabase } from "./support/db";

let t: TestDatabase;
const NOW = Date.parse("2026-11-10T12:30:00Z");

beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe("emerging terms", () => {
  it("surfaces a term that bursts in the last hour against its own history", async () => {
    const ctx = await intakeContext({ db: t.database.db, orgId: t.org.id });
    const everyday = [
      "my bill is too high",
      "waiting on hold forever",
      "internet slow tonight",
      "customer service never calls back",
    ];
    const history = Array.from({ length: 3 * 24 * 6 }, (_, i) => ({
      index: i,
      value: {
        source: "form",
        externalId: `h${i}`,
        text: `${everyday[i % everyday.length]} (${i})`,
        createdAt: new Date(NOW - 3 * 86_400_000 + i * 10 * 60_000 - 3600_000).toISOString(),
      },
    }));
    const burst = Array.from({ length: 45 }, (_, i) => ({
      index: 10_000 + i,
      value: {
        source: "form",
        externalId: `b${i}`,
        text: `water heater recall notice came today, is mine affected? (${i})`,
        createdAt: new Date(NOW - 40 * 60_000 + i * 30_000).toISOString(),
      },
    }));
    await ingest(ctx, [...history, ...burst]);
    let read = 0;
    for (
      let n = await countTerms(t.database.db, t.org.id);
      n > 0;
      n = await countTerms(t.database.db, t.org.id)
    )
      read += n;
    expect(read).toBe(history.length + burst.length);
    expect(await countTerms(t.database.db, t.org.id)).toBe(0);
    const emerging = await emergingTermsFor(t.database.db, t.org.id, new Date(NOW));
    const terms = emerging.map((e) => e.term);
    expect(terms.some((term) => term.includes("recall"))).toBe(true);
    expect(terms.some((term) => term.includes("hold"))).toBe(false);
    const recall = emerging.find((e) => e.term.includes("recall"))!;
    // "The last hour" is this hour so far plus a pro-rated share of the previous one (hourly counts).
    expect(recall.count).toBeGreaterThanOrEqual(30);
    expect(recall.expected).toBeLessThan(5);
  });
});
