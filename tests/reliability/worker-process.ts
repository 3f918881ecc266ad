import { startDeliveryWorker } from "~/services/delivery-worker.server";
import { SecretBox } from "~/utils/crypto.server";
import { configureLog } from "~/utils/log.server";
import { openDatabase } from "~db/client.server";

/**
 * A delivery worker as its own process, like `npm run worker` (app/server/worker-main.ts) but with the
 * knobs the reliability tests turn: a short lease (so a restarted worker takes over a killed one's
 * deliveries in seconds, not a minute), short request timeouts and a short poll. Everything else — the
 * database, the sealed credentials, the adapters, real HTTP — is what production runs.
 *
 * Environment: DATABASE_URL, CLARION_SECRET (required); WORKER_OWNER, WORKER_TIMEOUT_MS, WORKER_LEASE_MS,
 * WORKER_POLL_MS, WORKER_CONCURRENCY, WORKER_BATCH (optional). Prints one JSON line per event on stdout:
 * `{"event":"ready"}` once listening, `{"event":"pass",…}` after each pass that claimed something.
 * SIGTERM stops after the deliveries in hand, as the real worker does.
 */

const env = process.env;
const number = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function main() {
  if (!env.DATABASE_URL || !env.CLARION_SECRET)
    throw new Error("DATABASE_URL and CLARION_SECRET are required");
  configureLog({ LOG_LEVEL: "error" });
  const database = await openDatabase({ url: env.DATABASE_URL, migrate: false, max: 4 });
  const worker = await startDeliveryWorker(database, {
    box: new SecretBox(env.CLARION_SECRET),
    publicUrl: "https://status.example.com",
    owner: env.WORKER_OWNER,
    timeoutMs: number("WORKER_TIMEOUT_MS"),
    leaseMs: number("WORKER_LEASE_MS"),
    pollMs: number("WORKER_POLL_MS"),
    concurrency: number("WORKER_CONCURRENCY"),
    batchSize: number("WORKER_BATCH"),
    onPass: (pass) => say({ event: "pass", claimed: pass.claimed, ...pass.settled }),
  });
  say({ event: "ready", pid: process.pid });
  process.on("SIGTERM", () => {
    void (async () => {
      await worker.stop();
      await database.close();
      process.exit(0);
    })();
  });
}

main().catch((error: Error) => {
  process.stderr.write(`worker-process: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
