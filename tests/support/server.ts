import { type RunningServer, startHttpServer } from "~/server/http";
import { SYSTEM } from "~/services/audit.server";
import { upsertUser } from "~/services/users.server";
import { parseEnv } from "~/utils/env.server";
import type { Role } from "~db/schema/enums";
import type { TestDatabase } from "./db";

/** The real HTTP server (Express + the built Remix app) on a free loopback port, on the test's database. */
export async function startTestServer(
  t: TestDatabase,
  env: Record<string, string> = {},
  options: { workers?: boolean; deliveryWorker?: boolean } = {},
): Promise<RunningServer> {
  const server = await startHttpServer({
    env: parseEnv({
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "error",
      CLARION_SECRET: "x".repeat(40),
      ...env,
    }),
    port: 0,
    host: "127.0.0.1",
    database: t.database,
    workers: options.workers,
    deliveryWorker: options.deliveryWorker,
  });
  await server.ready;
  return server;
}

export const TEST_PASSWORD = "correct horse battery staple";

export async function createUser(t: TestDatabase, role: Role, email = `${role}@test.example`) {
  const { user } = await upsertUser(
    t.database.db,
    t.org.id,
    { email, password: TEST_PASSWORD, role },
    SYSTEM,
  );
  return user;
}

/** A cookie-keeping HTTP client that behaves like a same-origin browser form (sends Origin on POST). */
export class Client {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  async request(path: string, init: RequestInit & { origin?: string | null } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const method = (init.method ?? "GET").toUpperCase();
    if (this.cookies.size) headers.set("Cookie", this.cookieHeader());
    if (method !== "GET" && init.origin !== null) headers.set("Origin", init.origin ?? this.baseUrl);
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  post(path: string, fields: Record<string, string>, init: { origin?: string | null } = {}) {
    return this.request(path, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      ...init,
    });
  }

  async signIn(email: string, password = TEST_PASSWORD) {
    return this.post("/signin", { email, password });
  }
}
