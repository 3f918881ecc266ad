import { EnvError, parseEnv } from "~/utils/env.server";
import { configureLog, log } from "~/utils/log.server";
import { startHttpServer } from "./http";

/** `npm start`: parse the environment, serve the console, open the database, seed the demo if empty. */
async function main() {
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`Clarion cannot start. ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  configureLog(env);
  const running = await startHttpServer({
    env,
    seedDemoIfEmpty: true,
    onDemoSeeded: (text) => process.stdout.write(`${text}\n`),
  });
  log.info(`Clarion is listening on ${running.url}`);
  running.ready.catch((error: Error) => {
    log.error(`Clarion cannot use its database: ${error.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await running.close().catch((e: Error) => log.error(`shutdown: ${e.message}`));
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: Error) => {
  log.error(`Clarion failed to start: ${error.stack ?? error.message}`);
  process.exit(1);
});
