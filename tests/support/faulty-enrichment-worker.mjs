/**
 * The real enrichment worker, except on a chunk holding a marker text: "CRASH-THREAD" ends this worker
 * thread (process.exit in a worker thread ends the thread, not the process), "THROW-IN-THREAD" throws.
 * For tests of what the pool does when a thread fails.
 */
import { tsImport } from "tsx/esm/api";

const real = (await tsImport("../../app/services/enrichment-worker.ts", import.meta.url)).default;

export default function run(task) {
  const texts = task.batch?.text ?? [];
  if (texts.some((t) => t.includes("CRASH-THREAD"))) process.exit(1);
  if (texts.some((t) => t.includes("THROW-IN-THREAD"))) throw new Error("enrichment failed in the thread");
  return real(task);
}
