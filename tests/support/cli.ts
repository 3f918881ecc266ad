import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { finished } from "node:stream/promises";
import { inject } from "vitest";
import { runCli } from "~/cli/run";
import { freshDatabase, type TestDatabase } from "./db";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Where CLI tests point the CLI: their own fresh server database, or (embedded) a new data dir on disk,
 * since the CLI opens its database from the environment like it does for a person.
 */
export async function cliTarget(): Promise<{
  env: Record<string, string>;
  cleanup(): Promise<void>;
  t: TestDatabase | null;
}> {
  if (inject("dbDriver") === "postgres") {
    const t = await freshDatabase();
    await t.database.close();
    return { env: { DATABASE_URL: t.url! }, t, cleanup: () => t.close().catch(() => {}) };
  }
  const dir = mkdtempSync(join(tmpdir(), "clarion-cli-"));
  return {
    env: { CLARION_DATA_DIR: join(dir, "pglite") },
    t: null,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Run the CLI in-process, exactly as `npm run cli -- ...argv` would, capturing its output. */
export async function cli(argv: string[], env: Record<string, string>): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await runCli(
    argv,
    { stdout, stderr, isTTY: false },
    { NODE_ENV: "test", LOG_LEVEL: "error", ...env },
  );
  // Let buffered output drain before reading it.
  stdout.end();
  stderr.end();
  await Promise.all([finished(stdout), finished(stderr)]);
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}
