import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { ensureBaseline } from "../../app/services/bootstrap.server";
import { openDatabase } from "../../db/client.server";

declare module "vitest" {
  export interface ProvidedContext {
    /** `postgres` when DATABASE_URL is set, `pglite` otherwise. */
    dbDriver: "postgres" | "pglite";
    /** Server: name of a migrated, bootstrapped template database to clone per test file. */
    templateDatabase: string | null;
    /** Embedded: path of a migrated, bootstrapped PGlite image to load per test file. */
    pgliteImage: string | null;
    serverUrl: string | null;
  }
}

/**
 * Once per run: build the Remix app (HTTP tests serve it), and prepare a migrated, bootstrapped
 * database image that each test file clones, so every file starts from the same clean state fast.
 */
export default async function setup(project: TestProject) {
  execFileSync("npx", ["remix", "build"], { stdio: "ignore" });
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `clarion_tpl_${process.pid}_${Date.now()}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const tplUrl = withDatabase(url, name);
    const database = await openDatabase({ url: tplUrl, max: 2 });
    await ensureBaseline(database.db);
    await database.close();
    project.provide("dbDriver", "postgres");
    project.provide("templateDatabase", name);
    project.provide("pgliteImage", null);
    project.provide("serverUrl", url);
    return async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "clarion-test-"));
  const database = await openDatabase({ dataDir: "memory://" });
  await ensureBaseline(database.db);
  if (database.raw.kind !== "pglite") throw new Error("expected PGlite");
  const image = await database.raw.pg.dumpDataDir("none");
  await database.close();
  const file = join(dir, "template.tar");
  writeFileSync(file, Buffer.from(await image.arrayBuffer()));
  project.provide("dbDriver", "pglite");
  project.provide("templateDatabase", null);
  project.provide("pgliteImage", file);
  project.provide("serverUrl", null);
  return () => rmSync(dir, { recursive: true, force: true });
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
