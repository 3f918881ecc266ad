import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { asc, eq, inArray } from "drizzle-orm";
import { saveChannel } from "~/services/channels.server";
import { createIncident } from "~/services/incidents.server";
import { approveUpdate, createUpdate, submitUpdate, type UpdateInput } from "~/services/updates.server";
import { SecretBox } from "~/utils/crypto.server";
import type { Db } from "~db/client.server";
import { deliveries, deliveryAttempts } from "~db/schema";
import { REMOTE_KINDS, type Remote, type RemoteKind, type RemoteOptions, startRemote } from "../fakes/fleet";
import type { TestDatabase } from "../support/db";
import { createUser } from "../support/server";

export * from "../fakes/fleet";

/**
 * What the reliability tests share: every remote stand-in started on loopback and connected as a channel
 * the way an admin would (saveChannel, credentials sealed), a newsroom that drafts and approves updates
 * through the real services, and a delivery worker as a real child process.
 */

export const SECRET = "reliability-secret-".padEnd(48, "r");
export const box = new SecretBox(SECRET);
export const PUBLIC_URL = "https://status.example.com";
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Start the stand-ins and connect each as a channel; returns the remotes by channel id. */
export async function connectRemotes(
  t: TestDatabase,
  kinds: readonly RemoteKind[] = REMOTE_KINDS,
  /** Credentials to enter instead of the right ones (a revoked token, a wrong password). */
  wrongCredentials: Partial<Record<RemoteKind, Record<string, string>>> = {},
  options: RemoteOptions = {},
): Promise<Map<number, Remote>> {
  const admin = await createUser(t, "admin", `admin-${Math.random().toString(36).slice(2)}@test.example`);
  const byChannel = new Map<number, Remote>();
  for (const kind of kinds) {
    const remote = await startRemote(kind, options);
    const input = {
      ...remote.channel,
      credentials: { ...remote.channel.credentials, ...wrongCredentials[kind] },
    };
    const saved = await saveChannel(t.database.db, box, t.org.id, input, {
      kind: "user",
      userId: admin.id,
    });
    byChannel.set(saved.id, remote);
  }
  return byChannel;
}

export async function closeRemotes(remotes: Iterable<Remote>): Promise<void> {
  await Promise.all([...remotes].map((r) => r.close()));
}

type Person = { kind: "user"; userId: number; role: "comms" | "approver" | "commander" };

/** A comms author, an approver and a commander, as the approval rules want three people. */
export interface Newsroom {
  comms: Person;
  approver: Person;
  commander: Person;
}

export async function newsroom(t: TestDatabase): Promise<Newsroom> {
  const person = async (role: Person["role"]): Promise<Person> => ({
    kind: "user",
    userId: (await createUser(t, role)).id,
    role,
  });
  return {
    comms: await person("comms"),
    approver: await person("approver"),
    commander: await person("commander"),
  };
}

export async function openIncident(db: Db, orgId: number, people: Newsroom, title: string): Promise<number> {
  const incident = await createIncident(
    db,
    orgId,
    { title, severity: "SEV2", regions: ["CA"], topics: ["outage"] },
    people.commander,
  );
  return incident.id;
}

/**
 * Draft, submit and approve one update (approval writes its deliveries and publishes it). The body
 * carries `[tag]` so every copy of it can be found at the remotes.
 */
export async function approveOne(
  db: Db,
  orgId: number,
  people: Newsroom,
  incidentId: number,
  tag: string,
  over: Partial<UpdateInput> = {},
): Promise<number> {
  const draft = await createUpdate(
    db,
    orgId,
    incidentId,
    {
      kind: "update",
      title: "",
      body: `[${tag}] Crews are restoring power in {regions}.`,
      nextUpdateMinutes: 30,
      ...over,
    },
    people.comms,
  );
  const submitted = await submitUpdate(db, orgId, draft.id, people.comms);
  await approveUpdate(db, orgId, submitted.id, { version: submitted.version }, people.approver, {
    publicUrl: PUBLIC_URL,
  });
  return draft.id;
}

export type DeliveryRow = typeof deliveries.$inferSelect;
export type AttemptRow = typeof deliveryAttempts.$inferSelect;

export async function deliveriesOf(db: Db, where?: { updateIds?: number[] }): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(deliveries)
    .where(where?.updateIds ? inArray(deliveries.updateId, where.updateIds) : undefined)
    .orderBy(asc(deliveries.id));
}

export async function attemptsOf(db: Db, deliveryId: number): Promise<AttemptRow[]> {
  return db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, deliveryId))
    .orderBy(asc(deliveryAttempts.id));
}

export async function allAttempts(db: Db): Promise<Map<number, AttemptRow[]>> {
  const rows = await db.select().from(deliveryAttempts).orderBy(asc(deliveryAttempts.id));
  const out = new Map<number, AttemptRow[]>();
  for (const row of rows) out.set(row.deliveryId, [...(out.get(row.deliveryId) ?? []), row]);
  return out;
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `check` until it returns a value (not undefined/false), or fail after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

// ——— The worker as a child process ———

/**
 * The worker entry, bundled once per test file with esbuild: starting it is then ~1 s instead of the
 * ~4 s tsx needs to load the app's TypeScript on a loaded machine, which matters when a test restarts
 * it after every kill. Falls back to tsx if bundling fails.
 */
export async function workerCommand(): Promise<{ args: string[]; cleanup(): void }> {
  const entry = join(ROOT, "tests/reliability/worker-process.ts");
  const outdir = join(ROOT, "node_modules/.cache/clarion-reliability");
  const outfile = join(outdir, `worker-${process.pid}-${Date.now()}.mjs`);
  try {
    const { build } = await import("esbuild");
    mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      tsconfig: join(ROOT, "tsconfig.json"),
      // The embedded database is never opened by this process; leave it (and its wasm) in node_modules.
      external: ["@electric-sql/pglite", "@electric-sql/pglite/*"],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: "error",
    });
    return { args: [outfile], cleanup: () => rmSync(outfile, { force: true }) };
  } catch (error) {
    process.stderr.write(`bundling the worker failed, using tsx: ${(error as Error).message}\n`);
    return { args: ["--import", "tsx", entry], cleanup: () => {} };
  }
}

export interface WorkerEnv {
  DATABASE_URL: string;
  WORKER_OWNER?: string;
  WORKER_TIMEOUT_MS?: string;
  WORKER_LEASE_MS?: string;
  WORKER_POLL_MS?: string;
  WORKER_CONCURRENCY?: string;
  WORKER_BATCH?: string;
}

export class WorkerProcess {
  readonly passes: Record<string, number>[] = [];
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readyResolve!: () => void;
  readonly ready: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    this.ready = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const event = JSON.parse(line) as { event: string } & Record<string, number>;
        if (event.event === "ready") this.readyResolve();
        if (event.event === "pass") this.passes.push(event);
      } catch {
        // not one of ours
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-20_000);
    });
  }

  /** Spawn and wait until it listens (or fail with what it printed). */
  static async start(command: { args: string[] }, env: WorkerEnv): Promise<WorkerProcess> {
    const child = spawn(process.execPath, command.args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: "production", CLARION_SECRET: SECRET, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const worker = new WorkerProcess(child);
    const outcome = await Promise.race([
      worker.ready.then(() => "ready" as const),
      worker.exited.then(() => "exited" as const),
      sleep(60_000).then(() => "timeout" as const),
    ]);
    if (outcome !== "ready") {
      child.kill("SIGKILL");
      throw new Error(`The worker did not start (${outcome}): ${worker.stderr}`);
    }
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  async kill(signal: NodeJS.Signals = "SIGKILL") {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
