import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRoom, parseStreamFilter } from "~/services/room.server";
import { seedRoom } from "../bench/support/room-seed";
import { freshDatabase, type TestDatabase } from "./support/db";

/**
 * The room benchmark's seed, small, on each database: it writes straight SQL into the tables, so a schema
 * change (a new unique key, a NOT NULL column) breaks it without any type error — here it fails instead of
 * on the next person to run `npm run bench:room`.
 */

let t: TestDatabase;
let seed: Awaited<ReturnType<typeof seedRoom>>;

beforeAll(async () => {
  t = await freshDatabase();
  seed = await seedRoom(t.database, t.org.id, 4_000, () => {});
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("bench:room's seed", () => {
  it("seeds complaints, counts and the open outage the loader reads", async () => {
    expect(seed.complaints).toBe(4_000);
    expect(seed.counts).toBeGreaterThan(0);
    expect(seed.incidentComplaints).toBeGreaterThan(0);
    const room = await loadRoom(
      t.database.db,
      t.org.id,
      seed.big.id,
      parseStreamFilter(new URLSearchParams()),
      seed.now,
    );
    expect(room.stream.rows.length).toBeGreaterThan(0);
    expect(room.timeline.length).toBeGreaterThan(0);
    expect(room.chart.series.length).toBeGreaterThan(0);
  });
});
