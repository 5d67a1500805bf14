import { randomBytes } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { isLockLive, lockPath, readLock } from "./api/index.ts";
import type { LockFile } from "./api/protocol.ts";
import { AscendError } from "./utils/errors.ts";
import { writeFileAtomic } from "./utils/fs.ts";

export interface HeldLock {
  readonly token: string;
  /** records the API port once it listens */
  publish(port: number, version: string): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes the data directory for this process. Refuses when another live node holds it; replaces a
 * stale lock (dead pid, or a pid that no longer answers as that node) and says whose it was.
 */
export async function acquireLock(dataDir: string, onStale: (old: LockFile | undefined) => void): Promise<HeldLock> {
  const path = lockPath(dataDir);
  const token = randomBytes(32).toString("hex");
  const startedAt = new Date().toISOString();
  const content = (port: number, version: string) => JSON.stringify({ pid: process.pid, port, token, version, startedAt } satisfies LockFile) + "\n";

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, "wx", 0o600);
      await handle.writeFile(content(0, ""));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      const old = await readLock(dataDir);
      if (old && (await isLockLive(old))) {
        throw new AscendError("LOCKED", `another node (pid ${old.pid}, API port ${old.port}) is running with the data directory ${dataDir}`);
      }
      onStale(old);
      await rm(path, { force: true });
    }
  }
  return {
    token,
    publish: (port, version) => writeFileAtomic(path, content(port, version), 0o600),
    release: async () => {
      const current = await readLock(dataDir);
      if (current?.token === token) await rm(path, { force: true });
    },
  };
}
