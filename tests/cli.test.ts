import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiToken } from "~/services/tokens.server";
import { openDatabase } from "~db/client.server";
import { apiTokens, regions, topics, users } from "~db/schema";
import { cli, cliTarget } from "./support/cli";

let target: Awaited<ReturnType<typeof cliTarget>>;
beforeAll(async () => {
  target = await cliTarget();
});
afterAll(async () => {
  await target?.cleanup();
});

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>["db"]) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url: target.env.DATABASE_URL, dataDir: target.env.CLARION_DATA_DIR });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

describe("cli", () => {
  it("on an empty database creates the schema, regions and taxonomy, and no users", async () => {
    const res = await cli(["migrate", "--json"], target.env);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ migrated: true });
    await withDb(async (db) => {
      const [r] = await db.select({ n: count() }).from(regions);
      const [t] = await db.select({ n: count() }).from(topics);
      const [u] = await db.select({ n: count() }).from(users);
      expect(r.n).toBe(51);
      expect(t.n).toBe(8);
      expect(u.n).toBe(0);
    });
  });

  it("user add creates and then updates a user, printing no secrets", async () => {
    const first = await cli(
      [
        "user",
        "add",
        "--email",
        "Lead@Example.com",
        "--password",
        "a-long-password-1",
        "--role",
        "support",
        "--json",
      ],
      target.env,
    );
    expect(first.code).toBe(0);
    const user = JSON.parse(first.stdout);
    expect(user).toMatchObject({ email: "lead@example.com", role: "support" });
    expect(first.stdout + first.stderr).not.toMatch(/argon2|a-long-password-1|passwordHash/);
    const second = await cli(
      [
        "user",
        "add",
        "--email",
        "lead@example.com",
        "--password",
        "another-password-2",
        "--role",
        "commander",
        "--json",
      ],
      target.env,
    );
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ id: user.id, role: "commander" });
  });

  it("user add rejects bad input with field messages and exit code 1", async () => {
    const res = await cli(
      ["user", "add", "--email", "nope", "--password", "short", "--role", "boss"],
      target.env,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("--email: Enter a valid email address");
    expect(res.stderr).toContain("--password: Password must be at least 10 characters");
    expect(res.stderr).toContain("--role: Role must be one of");
  });

  it("answers usage errors with exit code 2", async () => {
    const missing = await cli(["user", "add", "--email", "x@example.com"], target.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--password is required");
    const unknown = await cli(["frobnicate"], target.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command: frobnicate");
    const badFlag = await cli(["token", "create", "--name", "x", "--colour", "red"], target.env);
    expect(badFlag.code).toBe(2);
  });

  it("token create prints a working token once and stores only its hash", async () => {
    const res = await cli(["token", "create", "--name", "zendesk bridge", "--json"], target.env);
    expect(res.code).toBe(0);
    const { token } = JSON.parse(res.stdout);
    expect(token).toMatch(/^clr_/);
    await withDb(async (db) => {
      const rows = await db.select().from(apiTokens);
      expect(JSON.stringify(rows)).not.toContain(token);
      const found = await authenticateApiToken(db, token);
      expect(found?.name).toBe("zendesk bridge");
      expect(await authenticateApiToken(db, `${token}x`)).toBeNull();
    });
  });

  it("demo seeds one user per role once, and is idempotent", async () => {
    const env = { ...target.env, CLARION_DEMO_HISTORY_DAYS: "1" };
    const first = await cli(["demo", "--json"], env);
    expect(first.code).toBe(0);
    const seeded = JSON.parse(first.stdout);
    expect(seeded.users.map((u: { role: string }) => u.role).sort()).toEqual([
      "admin",
      "approver",
      "commander",
      "comms",
      "support",
      "viewer",
    ]);
    expect(seeded.users.every((u: { password: string | null }) => typeof u.password === "string")).toBe(true);
    expect(seeded.complaints).toBeGreaterThan(500);
    const second = await cli(["demo", "--json"], env);
    expect(second.code).toBe(0);
    expect(
      JSON.parse(second.stdout).users.every((u: { password: string | null }) => u.password === null),
    ).toBe(true);
    await withDb(async (db) => {
      const [u] = await db
        .select({ n: count() })
        .from(users)
        .where(sql`${users.email} like '%@northwind.example'`);
      expect(u.n).toBe(6);
      const [admin] = await db.select().from(users).where(eq(users.email, "admin@northwind.example"));
      expect(admin.role).toBe("admin");
    });
  });
});

describe("cli as a process", () => {
  it("runs through npm's entry point and exits non-zero on bad input", async () => {
    const run = promisify(execFile);
    const env: NodeJS.ProcessEnv = { ...process.env, ...target.env, NODE_ENV: "test" };
    const ok = await run("npx", ["tsx", "app/cli/main.ts", "--help"], { env });
    expect(ok.stdout).toContain("Usage: npm run cli");
    await expect(
      run(
        "npx",
        [
          "tsx",
          "app/cli/main.ts",
          "user",
          "add",
          "--email",
          "x@example.com",
          "--password",
          "p",
          "--role",
          "viewer",
        ],
        { env },
      ),
    ).rejects.toMatchObject({ code: 1 });
  });
});
