import { runCli } from "./run";

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stderr.isTTY),
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: Error) => {
    process.stderr.write(`cli crashed: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
