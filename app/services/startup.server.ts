import type { Env } from "~/utils/env.server";
import { type Database, openDatabase } from "~db/client.server";
import { type DemoResult, seedDemo } from "~db/seed";
import { ensureBaseline, type Organisation, requirePrimaryOrganisation } from "./bootstrap.server";
import { countUsers } from "./users.server";

export interface Started {
  database: Database;
  org: Organisation;
  /** Set when this start seeded the demo (first start on an empty database). */
  demo: DemoResult | null;
}

/** Whether an empty database may be given demo users: never on a production server. */
export function demoAllowed(env: Env): boolean {
  return !(env.NODE_ENV === "production" && env.DATABASE_URL);
}

/** Open (and migrate) the database, ensure the baseline, and seed the demo on a first start. */
export async function startDatabase(
  env: Env,
  options: { seedDemoIfEmpty: boolean; database?: Database },
): Promise<Started> {
  const database =
    options.database ?? (await openDatabase({ url: env.DATABASE_URL, dataDir: env.CLARION_DATA_DIR }));
  try {
    const org = await ensureBaseline(database.db, { orgName: env.CLARION_ORG_NAME });
    let demo: DemoResult | null = null;
    if (options.seedDemoIfEmpty && demoAllowed(env) && (await countUsers(database.db, org.id)) === 0) {
      demo = await seedDemo(database.db, {
        adminEmail: env.CLARION_ADMIN_EMAIL,
        adminPassword: env.CLARION_ADMIN_PASSWORD,
      });
    }
    // Seeding the demo renames the organisation and marks it as the demo one.
    return { database, org: demo ? await requirePrimaryOrganisation(database.db) : org, demo };
  } catch (error) {
    if (!options.database) await database.close().catch(() => {});
    throw error;
  }
}

export function formatDemoCredentials(demo: DemoResult, baseUrl: string): string {
  const lines = demo.users.map(
    (u) =>
      `  ${u.role.padEnd(10)} ${u.email.padEnd(34)} ${u.password ?? "(password set by CLARION_ADMIN_PASSWORD or earlier)"}`,
  );
  return [
    "",
    `Clarion demo is ready. Sign in at ${baseUrl}/signin with one of these accounts.`,
    "These passwords are shown only now; keep them (or reset one with `npm run cli -- user add`).",
    "",
    ...lines,
    "",
  ].join("\n");
}
