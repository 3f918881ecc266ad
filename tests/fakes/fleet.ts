import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { generateWebhookSecret } from "~/channels/webhook.server";
import type { ChannelInput } from "~/services/channels.server";
import type { ChannelKind } from "~db/schema/enums";
import { FakeBluesky } from "./bluesky";
import { FakeFacebook } from "./facebook";
import type { FakeRequest, Trouble } from "./fake-http";
import { FakeMastodon } from "./mastodon";
import { SlackFake } from "./slack";
import { type ReceivedMail, SmtpFake } from "./smtp";
import { StatuspageFake } from "./statuspage";
import { TeamsWorkflowFake } from "./teams";
import { TwilioFake } from "./twilio";
import { WebhookReceiverFake } from "./webhook-receiver";
import { FakeX } from "./x";

/**
 * Every channel kind's stand-in behind one face, for tests and benchmarks that deliver to all of them
 * at once (tests/reliability, bench/publish.ts): started on loopback with rate limits out of the way,
 * each with the channel settings an admin would enter to reach it, what reached it (`sends`), what it
 * holds (`posts`), and optional latency so a request can be caught in flight.
 */

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
