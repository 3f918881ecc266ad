/**
 * Entry of the enrichment worker threads. Plain JavaScript, so that a thread can load it however the
 * process was started: worker threads do not inherit tsx's loader (not under `tsx`, not under vitest),
 * so the TypeScript module is imported through tsx's own API, which transforms it and its imports.
 */
import { tsImport } from "tsx/esm/api";

const worker = await tsImport("./enrichment-worker.ts", import.meta.url);
export default worker.default;
