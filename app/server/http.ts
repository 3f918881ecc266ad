import type { Server } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import morgan from "morgan";
import type { AppServices } from "~/context";
import { type RunningWorker, startDeliveryWorker } from "~/services/delivery-worker.server";
import { EventHub } from "~/services/event-hub.server";
import { formatDemoCredentials, type Started, startDatabase } from "~/services/startup.server";
import { configureSubscriberLinks } from "~/services/subscriptions.server";
import { appSecret } from "~/utils/app-secret.server";
import { SecretBox } from "~/utils/crypto.server";
import type { Env } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import type { Database } from "~db/client.server";
import { defaultLoops, startWorkers, type Workers } from "./workers";

installGlobals({ nativeFetch: true });

export interface RunningServer {
  server: Server;
  url: string;
  /** Resolves once the database is open (or rejects if the server was closed before). */
  ready: Promise<AppServices>;
  close(): Promise<void>;
}

export interface ServerOptions {
  env: Env;
  port?: number;
  host?: string;
  /** Seed demo users on an empty database (`npm start`); tests turn it off. */
  seedDemoIfEmpty?: boolean;
  /** Print the demo credentials when seeded (to stdout). */
  onDemoSeeded?: (text: string) => void;
  buildPath?: string;
  retryMs?: number;
  /** An already-open database (tests); the server then leaves closing it to the caller. */
  database?: Database;
  /** Run the background loops (demo feed, term counts, housekeeping). On by default. */
  workers?: boolean;
  /** Run a delivery worker in this process (publishing). Defaults to `workers`. */
  deliveryWorker?: boolean;
  /** Tests: how the delivery worker reaches remotes (default: global fetch) and its timeout. */
  deliveryFetch?: typeof fetch;
  deliveryTimeoutMs?: number;
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Cross-site request forgery guard for the console: a state-changing request must come from a page
 * of this origin (Origin, or Referer when a browser omits Origin). /api is token-authenticated and
 * webhooks are signed, so they are exempt. Session cookies are also SameSite=Lax.
 */
function sameOriginOnly(req: Request, res: Response, next: NextFunction) {
  if (!UNSAFE_METHODS.has(req.method) || req.path.startsWith("/api/")) return next();
  const source = req.get("origin") ?? req.get("referer");
  const host = req.get("x-forwarded-host") ?? req.get("host");
  let sourceHost: string | null = null;
  try {
    sourceHost = source ? new URL(source).host : null;
  } catch {
    sourceHost = null;
  }
  if (!sourceHost || sourceHost !== host) {
    res
      .status(403)
      .type("text/plain")
      .send("Cross-site form posts are refused. Reload the page and try again.");
    return;
  }
  next();
}

export async function startHttpServer(options: ServerOptions): Promise<RunningServer> {
  const { env } = options;
  const buildPath = options.buildPath ?? resolve("build/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;

  let services: AppServices | null = null;
  let unavailableReason: string | null = "the database is starting";
  let closed = false;
  let started: Started | null = null;
  let workers: Workers | null = null;
  let deliveryWorker: RunningWorker | null = null;
  // Links in outbound messages need the address we listen on: known once listening.
  let url = "";
  let listening: () => void = () => {};
  const listened = new Promise<void>((r) => {
    listening = r;
  });
  let hub: EventHub | null = null;

  // Subscriber messages carry links built from the app secret and the public address (refined after
  // listen, when the port is known).
  const secret = appSecret(env);
  configureSubscriberLinks({
    secret,
    publicUrl: env.CLARION_PUBLIC_URL ?? `http://localhost:${options.port ?? env.PORT}`,
  });
  const ready = (async () => {
    const secretBox = new SecretBox(secret);
    for (;;) {
      try {
        started = await startDatabase(env, {
          seedDemoIfEmpty: options.seedDemoIfEmpty ?? false,
          database: options.database,
        });
        if (closed) {
          await started.database.close();
          throw new Error("server closed before the database opened");
        }
        const events = new EventHub(started.database, started.org.id);
        await events.start();
        hub = events;
        services = {
          env,
          database: started.database,
          db: started.database.db,
          secretBox,
          orgId: started.org.id,
          events,
          publicUrl,
          kickDelivery: () => deliveryWorker?.kick(),
        };
        unavailableReason = null;
        log.info("database ready", { driver: started.database.driver, location: started.database.location });
        if (started.demo) options.onDemoSeeded?.(formatDemoCredentials(started.demo, publicUrl()));
        await listened;
        if (options.deliveryWorker ?? options.workers !== false) {
          deliveryWorker = await startDeliveryWorker(started.database, {
            box: secretBox,
            publicUrl: publicUrl(),
            fetch: options.deliveryFetch,
            timeoutMs: options.deliveryTimeoutMs,
          });
        }
        if (options.workers !== false) {
          workers = startWorkers(
            services,
            defaultLoops(services, { demoFeed: started.org.isDemo && env.CLARION_DEMO_FEED !== false }),
          );
        }
        return services;
      } catch (error) {
        if (closed) throw error;
        unavailableReason = (error as Error).message;
        log.error(
          `cannot open the database: ${unavailableReason}; retrying in ${(options.retryMs ?? 5000) / 1000}s`,
        );
        // An embedded database that is locked by another process will not free itself: stop retrying.
        if (/in use by process/.test(unavailableReason)) throw error;
        await new Promise((r) => setTimeout(r, options.retryMs ?? 5000));
      }
    }
  })();
  ready.catch(() => {});

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(compression());
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  // Paths only: query strings can carry tokens (unsubscribe links, redirects) and never reach the log.
  morgan.token("path-only", (req) => (req.url ?? "").split("?")[0]);
  app.use(
    morgan(":method :path-only :status :response-time ms", {
      stream: { write: (line) => log.debug(line.trim()) },
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    next();
  });
  app.use(sameOriginOnly);
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: env.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (req) => ({ services, unavailableReason, clientIp: req.ip ?? null }),
    }),
  );

  const host = options.host ?? env.HOST;
  const server = await new Promise<Server>((resolvePromise) => {
    const s = app.listen(options.port ?? env.PORT, host, () => resolvePromise(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? env.PORT);
  url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
  listening();
  function publicUrl() {
    return env.CLARION_PUBLIC_URL?.replace(/\/$/, "") ?? url;
  }
  configureSubscriberLinks({ secret, publicUrl: publicUrl() });

  return {
    server,
    url,
    ready,
    async close() {
      closed = true;
      await (workers as Workers | null)?.stop();
      await (deliveryWorker as RunningWorker | null)?.stop();
      await (hub as EventHub | null)?.stop();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      const s = started as Started | null;
      if (s && !options.database) await s.database.close();
    },
  };
}
