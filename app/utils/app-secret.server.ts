import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Env } from "./env.server";

/**
 * The key that encrypts stored credentials. CLARION_SECRET when set (required in production with a
 * server); otherwise a random key kept beside the embedded data dir, so a demo needs no setup.
 */
export function appSecret(env: Env): string {
  if (env.CLARION_SECRET) return env.CLARION_SECRET;
  const file = resolve(dirname(resolve(env.CLARION_DATA_DIR)), "secret.key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
