import { startDeliveryWorker } from "~/services/delivery-worker.server";
import { startDatabase } from "~/services/startup.server";
import { configureSubscriberLinks } from "~/services/subscriptions.server";
import { appSecret } from "~/utils/app-secret.server";
import { SecretBox } from "~/utils/crypto.server";
import { EnvError, parseEnv } from "~/utils/env.server";
import { configureLog, log } from "~/utils/log.server";

/**
 * `npm run worker`: a delivery worker on its own, for production with a database server (the console
 * runs one in-process too; any number run side by side). SIGTERM finishes the deliveries in hand first.
 */
async function main() {
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`The Clarion worker cannot start. ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  configureLog(env);
  const started = await startDatabase(env, { seedDemoIfEmpty: false });
  const publicUrl = env.CLARION_PUBLIC_URL?.replace(/\/$/, "") ?? `http://localhost:${env.PORT}`;
  // Publishing an update queues its subscriber notifications, whose links need the secret and address.
  configureSubscriberLinks({ secret: appSecret(env), publicUrl });
  const worker = await startDeliveryWorker(started.database, {
    box: new SecretBox(appSecret(env)),
    publicUrl,
    onPass: (pass) => log.info("delivery pass", { claimed: pass.claimed, ...pass.settled }),
  });
  log.info(`delivery worker running (${started.database.driver})`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing deliveries in hand`);
    await worker.stop();
    await started.database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: Error) => {
  log.error(`The Clarion worker failed to start: ${error.stack ?? error.message}`);
  process.exit(1);
});
