import { parseArgs } from "node:util";
import { SYSTEM } from "~/services/audit.server";
import { ensureBaseline, type Organisation } from "~/services/bootstrap.server";
import { createApiToken } from "~/services/tokens.server";
import { upsertUser } from "~/services/users.server";
import { type Env, EnvError, parseEnv } from "~/utils/env.server";
import { isAppError, ValidationError } from "~/utils/errors";
import { type Database, openDatabase } from "~db/client.server";
import { seedDemo } from "~db/seed";
import { detectCommand, scoreSeriesCommand, spikesCommand } from "./detection-commands";
import {
  exportComplaintsCommand,
  importCommand,
  simulateCommand,
  taxonomyExportCommand,
  taxonomyImportCommand,
} from "./intake-commands";
import { type CliIo, UsageError, writeLine } from "./io";

export interface CommandContext {
  env: Env;
  database: Database;
  org: Organisation;
  io: CliIo;
  json: boolean;
  args: string[];
  options: Record<string, string | boolean | undefined>;
}

interface Command {
  usage: string;
  summary: string;
  options?: Record<string, { type: "string" | "boolean" }>;
  run(ctx: CommandContext): Promise<void>;
}

function print(ctx: CommandContext, value: unknown, human: string) {
  writeLine(ctx.io.stdout, ctx.json ? JSON.stringify(value) : human);
}

function required(ctx: CommandContext, name: string): string {
  const v = ctx.options[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
  return v;
}

export const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: "migrate",
    summary: "apply database migrations (every command does this first)",
    async run(ctx) {
      print(
        ctx,
        { migrated: true, database: ctx.database.location },
        `Database is up to date (${ctx.database.location}).`,
      );
    },
  },
  demo: {
    usage: "demo",
    summary: "seed the demo organisation's data (idempotent)",
    async run(ctx) {
      const result = await seedDemo(ctx.database.db, {
        adminEmail: ctx.env.CLARION_ADMIN_EMAIL,
        adminPassword: ctx.env.CLARION_ADMIN_PASSWORD,
        withFeed: true,
        historyDays: ctx.env.CLARION_DEMO_HISTORY_DAYS,
      });
      const lines = result.users.map(
        (u) =>
          `${u.role.padEnd(10)} ${u.email.padEnd(34)} ${u.password ?? "(existing user, password unchanged)"}`,
      );
      print(
        ctx,
        result,
        [`Demo data is in place (${result.complaints} new complaints). Sign-in accounts:`, ...lines].join(
          "\n",
        ),
      );
    },
  },
  import: {
    usage: "import <file> [--source NAME]",
    summary: "import complaints from NDJSON or CSV (by extension); prints a summary",
    options: { source: { type: "string" } },
    run: importCommand,
  },
  "export complaints": {
    usage: "export complaints [--from ISO] [--to ISO]",
    summary: "NDJSON of stored complaints with what enrichment decided",
    options: { from: { type: "string" }, to: { type: "string" } },
    run: exportComplaintsCommand,
  },
  "taxonomy import": {
    usage: "taxonomy import <file>",
    summary: "replace the topic taxonomy from a JSON file",
    run: taxonomyImportCommand,
  },
  "taxonomy export": {
    usage: "taxonomy export",
    summary: "print the topic taxonomy as JSON",
    run: taxonomyExportCommand,
  },
  detect: {
    usage: "detect [--from ISO] [--to ISO]",
    summary: "replay spike detection over stored counts, causally, storing spikes",
    options: { from: { type: "string" }, to: { type: "string" } },
    run: detectCommand,
  },
  spikes: {
    usage: "spikes [--from ISO] [--to ISO]",
    summary: "list stored spikes",
    options: { from: { type: "string" }, to: { type: "string" } },
    run: spikesCommand,
  },
  "score-series": {
    usage: "score-series <in.csv> <out.csv>",
    summary: "run the detector for one series of any kind (NAB format): timestamp,anomaly_score",
    run: scoreSeriesCommand,
  },
  simulate: {
    usage: "simulate --days N --out FILE [--seed S] [--scenario NAME] [--end ISO] [--rate PER_DAY]",
    summary: "write realistic complaint traffic (NDJSON) with the incidents' ground truth beside it",
    options: {
      days: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      scenario: { type: "string" },
      end: { type: "string" },
      rate: { type: "string" },
    },
    run: simulateCommand,
  },
  "user add": {
    usage: "user add --email E --password P --role R [--name N]",
    summary: "create a user, or update the role and password of an existing one",
    options: {
      email: { type: "string" },
      password: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
    },
    async run(ctx) {
      const { user, created } = await upsertUser(
        ctx.database.db,
        ctx.org.id,
        {
          email: required(ctx, "email"),
          password: required(ctx, "password"),
          role: required(ctx, "role") as never,
          name: typeof ctx.options.name === "string" ? ctx.options.name : undefined,
        },
        SYSTEM,
      );
      print(ctx, user, `${created ? "Created" : "Updated"} ${user.email} (${user.role}).`);
    },
  },
  "token create": {
    usage: "token create --name N",
    summary: "create an API token for /api/v1 and print it once",
    options: { name: { type: "string" } },
    async run(ctx) {
      const created = await createApiToken(
        ctx.database.db,
        ctx.org.id,
        { name: required(ctx, "name") },
        SYSTEM,
      );
      if (ctx.json) writeLine(ctx.io.stdout, JSON.stringify({ token: created.token }));
      else {
        writeLine(ctx.io.stderr, `API token “${created.name}” created. It is shown only now:`);
        writeLine(ctx.io.stdout, created.token);
      }
    },
  },
};

export function helpText(): string {
  const rows = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(52)} ${c.summary}`);
  return [
    "Usage: npm run cli -- <command> [options] [--json]",
    "",
    "Commands:",
    ...rows,
    "",
    "The database is DATABASE_URL when set, else the embedded one at CLARION_DATA_DIR (./.data/pglite).",
  ].join("\n");
}

function findCommand(positionals: string[]): { name: string; command: Command } | null {
  for (const words of [2, 1]) {
    const name = positionals.slice(0, words).join(" ");
    const command = COMMANDS[name];
    if (command && positionals.length >= words) return { name, command };
  }
  return null;
}

/** Run one CLI invocation; returns the exit code (0 ok, 1 failed, 2 usage). Never calls process.exit. */
export async function runCli(
  argv: string[],
  io: CliIo,
  source: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const loose = parseArgs({ args: argv, strict: false, allowPositionals: true });
  const found = findCommand(loose.positionals);
  if (!found || loose.values.help) {
    const unknown = loose.positionals.join(" ");
    writeLine(
      found || !unknown ? io.stdout : io.stderr,
      unknown && !found ? `Unknown command: ${unknown}\n\n${helpText()}` : helpText(),
    );
    return found || !unknown ? 0 : 2;
  }
  let options: Record<string, string | boolean | undefined>;
  let args: string[];
  try {
    const strict = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { json: { type: "boolean" }, ...(found.command.options ?? {}) },
    });
    options = strict.values as Record<string, string | boolean | undefined>;
    // Positionals after the command words, now that option values are known not to be positionals.
    args = strict.positionals.slice(found.name.split(" ").length);
  } catch (error) {
    writeLine(
      io.stderr,
      `${(error as Error).message}\nUsage: npm run cli -- ${found.command.usage} [--json]`,
    );
    return 2;
  }
  let env: Env;
  try {
    env = parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) {
      writeLine(io.stderr, error.message);
      return 2;
    }
    throw error;
  }
  let database: Database | null = null;
  try {
    database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.CLARION_DATA_DIR, max: 4 });
    const org = await ensureBaseline(database.db, { orgName: env.CLARION_ORG_NAME });
    await found.command.run({
      env,
      database,
      org,
      io,
      json: options.json === true,
      args,
      options,
    });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      writeLine(io.stderr, `${error.message}\nUsage: npm run cli -- ${found.command.usage} [--json]`);
      return 2;
    }
    if (error instanceof ValidationError) {
      const details = Object.entries(error.fields).map(([k, v]) => `  --${k}: ${v}`);
      writeLine(io.stderr, [`${error.message}:`, ...details].join("\n"));
      return 1;
    }
    if (isAppError(error)) {
      writeLine(io.stderr, error.message);
      return 1;
    }
    writeLine(io.stderr, `${found.name} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await database?.close().catch(() => {});
  }
}
