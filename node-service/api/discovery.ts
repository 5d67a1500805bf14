/**
 * How a client finds a running node: the lock file in the data directory names its pid, API port
 * and token. Shared by the node (to refuse a second instance) and the editor (to connect).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import Value from "typebox/value";
import { LOCK_FILE, LockFileSchema, type LockFile } from "./protocol.ts";

export function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Reads the lock; undefined when absent or unparsable (a torn or foreign file is treated as stale). */
export async function readLock(dataDir: string): Promise<LockFile | undefined> {
  try {
    const data: unknown = JSON.parse(await readFile(lockPath(dataDir), "utf8"));
    return Value.Check(LockFileSchema, data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** A lock is live when its process exists and its API answers with its token (a reused pid does not). */
export async function isLockLive(lock: LockFile): Promise<boolean> {
  if (lock.pid === process.pid || !isProcessAlive(lock.pid)) return false;
  if (lock.port === 0) return true; // that node is still starting
  try {
    const res = await fetch(`http://127.0.0.1:${lock.port}/api/health`, {
      headers: { authorization: `Bearer ${lock.token}` },
      signal: AbortSignal.timeout(1500),
    });
    return res.ok;
  } catch {
    return false;
  }
}
