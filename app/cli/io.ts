import type { Writable } from "node:stream";

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  isTTY: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function writeLine(stream: Writable, text: string) {
  stream.write(`${text}\n`);
}
