import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { inject } from "vitest";
import { type Organisation, requirePrimaryOrganisation } from "~/services/bootstrap.server";
import { type Database, openDatabase } from "~db/client.server";
import { withDatabase } from "./global-setup";

export interface TestDatabase {
  database: Database;
  org: Organisation;
  /** The server URL of this test's own database (server runs only). */
  url: string | null;
  close(): Promise<void>;
}

/**
 * A fresh database for one test file: cloned from the run's migrated template, with the baseline
 * organisation, regions and taxonomy in it. A real PostgreSQL server when DATABASE_URL is set,
 * embedded PGlite otherwise. Nothing is mocked.
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const driver = inject("dbDriver");
  if (driver === "postgres") {
    const serverUrl = inject("serverUrl")!;
    const template = inject("templateDatabase")!;
    const name = `clarion_t_${randomBytes(6).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}" template "${template}"`);
    const url = withDatabase(serverUrl, name);
    // Each background loop holds a connection for its advisory lock while it runs and needs another for
    // its queries: the pool must stay larger than the number of loops (six) or they can starve each other.
    const database = await openDatabase({ url, max: 8 });
    const org = await requirePrimaryOrganisation(database.db);
    return {
      database,
      org,
      url,
      async close() {
        await database.close();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  }
  const image = new Blob([readFileSync(inject("pgliteImage")!)]);
  const database = await openDatabase({ dataDir: "memory://", loadDataDir: image });
  const org = await requirePrimaryOrganisation(database.db);
  return { database, org, url: null, close: () => database.close() };
}
