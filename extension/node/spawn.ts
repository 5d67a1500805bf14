import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, closeSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface SpawnOptions {
  nodeScript: string;
  dataDir: string;
  password: string;
  args: string[];
}

export function spawnLogPath(dataDir: string): string {
  return join(dataDir, "logs", "spawn.log");
}

/**
 * Starts a node-service detached from this editor window, so it outlives the window and other
 * windows can share it. Uses the editor's own Node runtime (Electron as Node under desktop VS Code).
 * The keystore password goes through stdin, never argv or the environment. Early failures (before
 * the node's own log opens) land in logs/spawn.log.
 */
export function spawnNode(opts: SpawnOptions): ChildProcess {
  mkdirSync(join(opts.dataDir, "logs"), { recursive: true, mode: 0o700 });
  const out = openSync(spawnLogPath(opts.dataDir), "a", 0o600);
  try {
    const child = spawn(process.execPath, [opts.nodeScript, "node", "start", "--data-dir", opts.dataDir, "--password-stdin", ...opts.args], {
      detached: true,
      stdio: ["pipe", out, out],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", NO_COLOR: "1" },
      windowsHide: true,
    });
    child.stdin?.end(opts.password + "\n");
    child.unref();
    return child;
  } finally {
    closeSync(out);
  }
}

/** The last lines a spawned node printed, to explain a failed start without opening files. */
export function lastSpawnLines(dataDir: string, count = 3): string {
  try {
    const lines = readFileSync(spawnLogPath(dataDir), "utf8").trimEnd().split("\n");
    return lines.slice(-count).join("\n");
  } catch {
    return "";
  }
}
