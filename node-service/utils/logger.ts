import { Writable } from "node:stream";
import { join } from "node:path";
import { pino, type Logger, type Level } from "pino";
import pretty from "pino-pretty";
import { createStream } from "rotating-file-stream";

export type { Logger };

/** One log record as it leaves the node (to the file, the console and the event stream). */
export interface LogRecord {
  level: Level;
  time: number;
  msg: string;
  module?: string;
  [key: string]: unknown;
}

const LEVEL_NAMES: Record<number, Level> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

// Anything that could hold a secret is masked wherever it appears, so a careless log call cannot leak it.
const REDACT = ["password", "token", "privateKey", "mnemonic", "secret", "*.password", "*.token", "*.privateKey", "*.mnemonic", "*.secret", "headers.authorization", "req.headers.authorization"];

export interface LogOptions {
  level: Level;
  /** folder for node.log and its rotated siblings; none: no file */
  dir?: string;
  console?: boolean;
  /** receives every record at or above `level`, parsed (used to stream logs to the editor) */
  onRecord?: (record: LogRecord) => void;
}

export interface NodeLogger {
  logger: Logger;
  /** flushes and closes the file stream */
  close(): Promise<void>;
}

export function createLogger(opts: LogOptions): NodeLogger {
  const streams: pino.StreamEntry[] = [];
  let file: ReturnType<typeof createStream> | undefined;
  if (opts.dir) {
    // 10 MB per file, five rotated files kept, gzip'd: a busy node stays under ~60 MB of logs.
    file = createStream("node.log", { path: opts.dir, size: "10M", maxFiles: 5, compress: "gzip", mode: 0o600 });
    streams.push({ level: opts.level, stream: file });
  }
  if (opts.console !== false) {
    streams.push({ level: opts.level, stream: pretty({ colorize: process.stderr.isTTY, destination: 2, sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }) });
  }
  if (opts.onRecord) {
    const sink = opts.onRecord;
    streams.push({
      level: opts.level,
      stream: new Writable({
        write(chunk, _enc, done) {
          try {
            const raw = JSON.parse(String(chunk)) as { level: number } & Record<string, unknown>;
            sink({ ...raw, level: LEVEL_NAMES[raw.level] ?? "info" } as LogRecord);
          } catch {
            // a record that does not parse is still in the file; the live view can miss it
          }
          done();
        },
      }),
    });
  }
  const logger = pino({ level: opts.level, base: { pid: process.pid }, redact: { paths: REDACT, censor: "[redacted]" } }, pino.multistream(streams));
  return {
    logger,
    close: () =>
      new Promise<void>((resolveClose) => {
        if (!file) return resolveClose();
        file.end(() => resolveClose());
      }),
  };
}

export function logFilePath(dir: string): string {
  return join(dir, "node.log");
}
