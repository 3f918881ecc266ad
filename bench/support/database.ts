import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { ensureBaseline, type Organisation } from "~/services/bootstrap.server";
import { type Database, openDatabase } from "~db/client.server";

/**
 * A throwaway database for one benchmark run: a new database on the server at DATABASE_URL (dropped
 * afterwards), or an in-memory embedded one when no server is given.
 */
export async function benchDatabase(): Promise<{
  database: Database;
  org: Organisation;
  label: string;
  drop(): Promise<void>;
}> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `clarion_bench_${randomBytes(4).toString("hex")}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    const database = await openDatabase({ url: u.toString(), max: 8 });
    const org = await ensureBaseline(database.db);
    return {
      database,
      org,
      label: "postgres",
      async drop() {
        await database.close();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  }
  const database = await openDatabase({ dataDir: "memory://" });
  const org = await ensureBaseline(database.db);
  return { database, org, label: "pglite", drop: () => database.close() };
}

export function rate(rows: number, ms: number): number {
  return Math.round((rows / ms) * 1000);
}
