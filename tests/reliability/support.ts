import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { and, asc, eq, inArray } from "drizzle-orm";
import { generateWebhookSecret } from "~/channels/webhook.server";
import { type ChannelInput, saveChannel } from "~/services/channels.server";
import { createIncident } from "~/services/incidents.server";
import { approveUpdate, createUpdate, submitUpdate, type UpdateInput } from "~/services/updates.server";
import { SecretBox } from "~/utils/crypto.server";
import type { Db } from "~db/client.server";
import { channels, deliveries, deliveryAttempts } from "~db/schema";
import type { ChannelKind } from "~db/schema/enums";
import { FakeBluesky } from "../fakes/bluesky";
import { FakeFacebook } from "../fakes/facebook";
import type { FakeRequest, Trouble } from "../fakes/fake-http";
import { FakeMastodon } from "../fakes/mastodon";
import { SlackFake } from "../fakes/slack";
import { type ReceivedMail, SmtpFake } from "../fakes/smtp";
import { StatuspageFake } from "../fakes/statuspage";
import { TeamsWorkflowFake } from "../fakes/teams";
import { TwilioFake } from "../fakes/twilio";
import { WebhookReceiverFake } from "../fakes/webhook-receiver";
import { FakeX } from "../fakes/x";
import type { TestDatabase } from "../support/db";
import { createUser } from "../support/server";

/**
 * What the reliability tests share: every remote stand-in started on loopback and connected as a channel
 * the way an admin would (saveChannel, credentials sealed), a newsroom that drafts and approves updates
 * through the real services, and a delivery worker as a real child process.
 */

export const SECRET = "reliability-secret-".padEnd(48, "r");
export const box = new SecretBox(SECRET);
export const PUBLIC_URL = "https://status.example.com";
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** One remote, as the tests see it: what reached it, what it holds, and how to make it misbehave. */
export interface Remote {
  kind: ChannelKind;
  /** The remote dedupes a repeated request (the adapter's own claim). */
  idempotent: boolean;
  /** Every request that asked the remote to post something (repeats included), as text. */
  sends(): string[];
  /** Posts the remote holds (repeats it deduped are not here), with their text. */
  posts(): { id: string; text: string }[];
  /** Requests to post that the remote has acted on but not yet answered (see `latencyMs`). */
  inFlight(): number;
  /** Every request the remote received, of any kind (sign-ins, reads, posts). */
  requestCount(): number;
  /**
   * Scripted trouble for the requests to post (the social stand-ins' own mechanism, see
   * tests/fakes/fake-http.ts); absent on the others.
   */
  trouble?(trouble: Trouble): void;
  channel: ChannelInput;
  close(): Promise<void>;
}

export const SOCIAL_KINDS = ["x", "facebook", "mastodon", "bluesky"] as const;
export const MESSAGING_KINDS = ["webhook", "slack", "teams", "sms", "email", "statuspage"] as const;
export type RemoteKind = (typeof SOCIAL_KINDS)[number] | (typeof MESSAGING_KINDS)[number];
/** Every channel kind with a remote (the built-in status page has none). */
export const REMOTE_KINDS: RemoteKind[] = [...SOCIAL_KINDS, ...MESSAGING_KINDS];

export interface RemoteOptions {
  /**
   * Every request to post is acted on at once and answered this much later, so a worker killed at a
   * random moment is often caught between sending and hearing back. SMTP is never slowed.
   */
  latencyMs?: number;
}

/** Start a stand-in of `kind`, its rate limits out of the way (tests script their own trouble). */
export async function startRemote(kind: RemoteKind, options: RemoteOptions = {}): Promise<Remote> {
  const name = `${kind} (stand-in)`;
  const latency = options.latencyMs ?? 0;
  /** The social stand-ins: their own requests log and scripted trouble, latency as a long "hang". */
  const social = (
    fake: { requests: FakeRequest[]; trouble(t: Trouble): unknown; close(): Promise<void> },
    creates: RegExp,
    rest: Pick<Remote, "idempotent" | "posts" | "channel">,
  ): Remote => {
    const isCreate = (q: FakeRequest) => creates.test(`${q.method} ${q.path}`);
    if (latency > 0) fake.trouble({ match: creates, hangMs: latency, times: Number.POSITIVE_INFINITY });
    return {
      kind,
      ...rest,
      sends: () => fake.requests.filter(isCreate).map((q) => requestText(q.body)),
      inFlight: () => fake.requests.filter((q) => isCreate(q) && q.status === "hung").length,
      requestCount: () => fake.requests.length,
      trouble: (t) => fake.trouble({ match: creates, ...t }),
      close: () => fake.close(),
    };
  };
  /** The messaging stand-ins, behind a loopback proxy that adds the latency. */
  const messaging = async (
    fake: { requests: { method: string; path: string; body: string }[]; close(): Promise<void> },
    target: string,
    creates: RegExp,
    rest: Pick<Remote, "idempotent" | "posts"> & { channel: (url: string) => ChannelInput },
  ): Promise<Remote> => {
    const proxy = await startLatencyProxy(target, latency);
    const isCreate = (q: { method: string; path: string }) => creates.test(`${q.method} ${q.path}`);
    return {
      kind,
      idempotent: rest.idempotent,
      posts: rest.posts,
      channel: rest.channel(proxy.url),
      sends: () => fake.requests.filter(isCreate).map((q) => requestText(q.body)),
      inFlight: () => proxy.inFlight,
      requestCount: () => fake.requests.length,
      close: async () => {
        await proxy.close();
        await fake.close();
      },
    };
  };
  switch (kind) {
    case "x": {
      const fake = await FakeX.start({ postsPer15Min: 1_000_000 });
      return social(fake, /^POST \/2\/tweets$/, {
        idempotent: false,
        posts: () => fake.posts.map((p) => ({ id: p.id, text: p.text })),
        channel: { kind, name, config: { baseUrl: fake.url }, credentials: fake.credentials() },
      });
    }
    case "facebook": {
      const fake = await FakeFacebook.start({ callsPerHour: 1_000_000 });
      return social(fake, /^POST \/v[0-9.]+\/[0-9_]+\/(feed|comments)$/, {
        idempotent: false,
        posts: () => fake.posts.map((p) => ({ id: p.id, text: p.message })),
        channel: {
          kind,
          name,
          config: { baseUrl: fake.url, pageId: fake.pageId },
          credentials: { pageAccessToken: fake.token },
        },
      });
    }
    case "mastodon": {
      const fake = await FakeMastodon.start({ requestsPer5Min: 1_000_000 });
      return social(fake, /^POST \/api\/v1\/statuses$/, {
        idempotent: true,
        posts: () => fake.posts.map((p) => ({ id: p.id, text: p.text })),
        channel: { kind, name, config: { baseUrl: fake.url }, credentials: { accessToken: fake.token } },
      });
    }
    case "bluesky": {
      const fake = await FakeBluesky.start({ writesPerHour: 1_000_000 });
      return social(fake, /^POST \/xrpc\/com\.atproto\.repo\.createRecord$/, {
        idempotent: true,
        posts: () => fake.posts.map((p) => ({ id: p.uri, text: p.text })),
        channel: {
          kind,
          name,
          config: { baseUrl: fake.url, handle: fake.account.handle },
          credentials: { appPassword: fake.account.appPassword },
        },
      });
    }
    case "webhook": {
      const secret = generateWebhookSecret();
      const fake = await new WebhookReceiverFake(secret).start();
      const path = new URL(fake.url).pathname;
      return messaging(fake, fake.url, /^POST \/hooks\//, {
        idempotent: true,
        // Processed once per webhook-id: two copies here would be two ids for one message.
        posts: () => fake.events.map((e) => ({ id: e.id, text: JSON.stringify(e.event) })),
        channel: (url) => ({ kind, name, config: { url: `${url}${path}` }, credentials: { secret } }),
      });
    }
    case "slack": {
      const fake = await new SlackFake().start();
      const hook = new URL(fake.webhookUrl);
      return messaging(fake, hook.origin, /^POST \/services\//, {
        idempotent: false,
        posts: () => fake.posts.map((p) => ({ id: p.ts, text: p.text })),
        channel: (url) => ({
          kind,
          name,
          config: { mode: "webhook" },
          credentials: { webhookUrl: `${url}${hook.pathname}` },
        }),
      });
    }
    case "teams": {
      const fake = await new TeamsWorkflowFake().start();
      const hook = new URL(fake.webhookUrl);
      return messaging(fake, hook.origin, /^POST \/workflows\//, {
        idempotent: false,
        posts: () => fake.posted.map((p) => ({ id: p.runId, text: JSON.stringify(p.body) })),
        channel: (url) => ({
          kind,
          name,
          config: {},
          credentials: { webhookUrl: `${url}${hook.pathname}${hook.search}` },
        }),
      });
    }
    case "sms": {
      const fake = await new TwilioFake().start();
      return messaging(fake, fake.baseUrl, /^POST \/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/, {
        idempotent: false,
        posts: () => fake.messages.map((m) => ({ id: m.sid, text: m.body })),
        channel: (url) => ({
          kind,
          name,
          config: { baseUrl: url, accountSid: fake.accountSid, from: "+15005550006", to: "+15005550001" },
          credentials: { authToken: fake.authToken },
        }),
      });
    }
    case "statuspage": {
      const fake = await new StatuspageFake().start();
      const base = new URL(fake.baseUrl);
      return messaging(fake, base.origin, /^(POST|PATCH) \/v1\/pages\/[^/]+\/incidents/, {
        idempotent: false,
        posts: () =>
          [...fake.incidents.values()].flatMap((i) =>
            i.incident_updates.map((u) => ({ id: u.id, text: u.body })),
          ),
        channel: (url) => ({
          kind,
          name,
          config: { baseUrl: `${url}${base.pathname}`, pageId: fake.pageId },
          credentials: { apiKey: fake.apiKey },
        }),
      });
    }
    case "email": {
      const fake = await new SmtpFake().start();
      const text = (m: ReceivedMail) => `${m.parsed.subject ?? ""}\n${m.parsed.text ?? ""}`;
      return {
        kind,
        idempotent: false,
        sends: () => [...fake.received, ...fake.stalled].map(text),
        posts: () => fake.received.map((m) => ({ id: m.parsed.messageId ?? "", text: text(m) })),
        inFlight: () => 0,
        requestCount: () => fake.received.length + fake.stalled.length,
        channel: {
          kind,
          name,
          config: {
            host: "127.0.0.1",
            port: String(fake.port),
            security: "none",
            from: "status@clarion.example",
            to: "ops@clarion.example",
          },
          credentials: { user: fake.user, password: fake.password },
        },
        close: () => fake.close(),
      };
    }
  }
}

/**
 * A loopback HTTP proxy in front of a stand-in: each request is passed on at once (the remote acts on
 * it) and its answer is handed back `latencyMs` later.
 */
export async function startLatencyProxy(
  target: string,
  latencyMs: number,
): Promise<{ url: string; readonly inFlight: number; close(): Promise<void> }> {
  let inFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      inFlight++;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined || ["host", "connection", "content-length"].includes(k)) continue;
        headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      }
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      void fetch(`${target}${req.url}`, { method: req.method, headers, body, redirect: "manual" })
        .then(async (answer) => {
          const text = Buffer.from(await answer.arrayBuffer());
          const timer = setTimeout(() => {
            timers.delete(timer);
            inFlight--;
            if (res.destroyed) return;
            const out: Record<string, string> = {};
            answer.headers.forEach((v, k) => {
              if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(k))
                out[k] = v;
            });
            res.writeHead(answer.status, out);
            res.end(text);
          }, latencyMs);
          timers.add(timer);
        })
        .catch(() => {
          inFlight--;
          res.destroy();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get inFlight() {
      return inFlight;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

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

/** A request body as text, form-decoded too (Facebook posts forms), so the tag in it can be read. */
export function requestText(body: string): string {
  try {
    return `${body} ${decodeURIComponent(body.replace(/\+/g, " "))}`;
  } catch {
    return body;
  }
}

/** The `[tag]` an update's text carries. */
export function tagOf(text: string): string | null {
  return text.match(/\[([a-z0-9-]+)\]/)?.[1] ?? null;
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

export async function channelIdOf(db: Db, orgId: number, kind: ChannelKind): Promise<number> {
  const [row] = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.orgId, orgId), eq(channels.kind, kind)))
    .orderBy(asc(channels.id))
    .limit(1);
  return row.id;
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
