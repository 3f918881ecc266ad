import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The drizzle database both drivers produce; transactions (`tx`) satisfy it too. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type Driver = "postgres" | "pglite";

export interface Database {
  db: Db;
  driver: Driver;
  /** Where the data lives, safe to print: the server URL without its password, or the data dir. */
  location: string;
  /** Subscribe to a NOTIFY channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Resolves when the database answers a trivial query, rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Underlying client, for the few things drizzle has no words for (COPY in the benchmark). */
  raw: { kind: "postgres"; sql: postgres.Sql; url: string } | { kind: "pglite"; pg: PGlite };
}

export interface OpenOptions {
  /** postgres:// URL; when absent the embedded database is used. */
  url?: string;
  /** Embedded data dir; `memory://` for an in-memory database. */
  dataDir?: string;
  /** An embedded database image (from `dumpDataDir`) to start from instead of an empty one. */
  loadDataDir?: Blob;
  /** Apply migrations before returning (default true). */
  migrate?: boolean;
  /** Max server connections (postgres.js pool size). */
  max?: number;
}

export const DEFAULT_DATA_DIR = "./.data/pglite";
export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "../drizzle");

/** Open the one database Clarion uses: postgres.js when a URL is given, embedded PGlite otherwise. */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const database = options.url ? openServer(options.url, options.max) : await openEmbedded(options);
  if (options.migrate !== false) {
    try {
      await migrateDatabase(database);
    } catch (error) {
      await database.close().catch(() => {});
      throw error;
    }
  }
  return database;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

function openServer(url: string, max = 10): Database {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
  });
  const db = drizzlePostgres(client, { schema, casing: "snake_case" }) as unknown as Db;
  return {
    db,
    driver: "postgres",
    location: redactUrl(url),
    async listen(channel, onPayload) {
      const sub = await client.listen(channel, onPayload);
      return () => sub.unlisten();
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async ping() {
      await client`select 1`;
    },
    async close() {
      await client.end({ timeout: 5 });
    },
    raw: { kind: "postgres", sql: client, url },
  };
}

async function openEmbedded(options: OpenOptions): Promise<Database> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const inMemory = dataDir.startsWith("memory://");
  const lockFile = inMemory ? null : `${resolve(dataDir)}.lock`;
  if (lockFile) {
    mkdirSync(dirname(resolve(dataDir)), { recursive: true });
    acquireLock(lockFile, dataDir);
  }
  let pg: PGlite;
  try {
    pg = new PGlite({
      ...(inMemory ? {} : { dataDir }),
      // Contrib extensions the migrations create (0006: pg_trgm for the room's search). PGlite loads an
      // extension's code only when it is named here, on every open, also for an existing data dir.
      extensions: { pg_trgm },
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    await pg.waitReady;
  } catch (error) {
    if (lockFile) releaseLock(lockFile);
    throw new Error(`Could not open the embedded database at ${dataDir}: ${(error as Error).message}`);
  }
  const db = drizzlePglite(pg, { schema, casing: "snake_case" }) as unknown as Db;
  let closed = false;
  return {
    db,
    driver: "pglite",
    location: inMemory ? "memory://" : resolve(dataDir),
    async listen(channel, onPayload) {
      return pg.listen(channel, onPayload);
    },
    async notify(channel, payload) {
      await pg.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async ping() {
      await pg.query("select 1");
    },
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
      if (lockFile) releaseLock(lockFile);
    },
    raw: { kind: "pglite", pg },
  };
}

/**
 * PGlite is one process's database: a second process opening the same data dir would corrupt it.
 * A lock file holding the owner's pid turns that into a clear error.
 */
function acquireLock(lockFile: string, dataDir: string) {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: "wx" });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const owner = Number(readFileSync(lockFile, "utf8").trim());
  if (owner && owner !== process.pid && isAlive(owner)) {
    throw new Error(
      `The embedded database at ${dataDir} is in use by process ${owner} (is \`npm start\` running?). ` +
        "Stop that process first, or set DATABASE_URL to share a PostgreSQL server between processes.",
    );
  }
  // Stale lock from a process that died: take it over.
  writeFileSync(lockFile, String(process.pid));
}

function releaseLock(lockFile: string) {
  try {
    if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) rmSync(lockFile);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const MIGRATION_LOCK = 7_231_901; // any constant: serialises concurrent starts against one server

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.raw.kind === "pglite") {
    await migratePglite(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  // Several app processes may start at once against one server; a session advisory lock on a
  // dedicated connection makes them take turns instead of racing on CREATE TABLE.
  const single = postgres(database.raw.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await single`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres(single, { schema, casing: "snake_case" }), {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
  } finally {
    await single`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    await single.end({ timeout: 5 });
  }
}

/** Rows of a raw SQL query, whichever driver ran it. */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}

export { sql };
