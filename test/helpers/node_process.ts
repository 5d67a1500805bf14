import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLock } from "../../node-service/api/discovery.ts";
import type { LockFile } from "../../node-service/api/protocol.ts";

export const ROOT = join(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/node-service/cli.mjs");
export const PASSWORD = "correct horse battery staple";

/** Every node a test starts stays on loopback and never multicasts (mDNS reaches the whole LAN). */
export const LOCAL_MESH_ENV = { ASCENDNET_P2P_HOST: "127.0.0.1", ASCENDNET_MDNS: "false" };

export function tempDir(prefix = "ascendnet-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the CLI to completion (for commands that end, or nodes that refuse to start). */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: "1", ...LOCAL_MESH_ENV, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`ascendnet ${args.join(" ")} did not finish within ${opts.timeoutMs ?? 20_000} ms:\n${output}`));
    }, opts.timeoutMs ?? 20_000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
    child.stdin.end(opts.stdin ?? "");
  });
}

/** A node-service process started through the real CLI, as an operator or the editor would. */
export class NodeProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  output = "";
  private exited: Promise<RunResult>;
  lock: LockFile | undefined;

  private constructor(child: ChildProcess, dataDir: string) {
    this.child = child;
    this.dataDir = dataDir;
    child.stdout?.on("data", (d) => (this.output += d));
    child.stderr?.on("data", (d) => (this.output += d));
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, output: this.output })));
  }

  static start(dataDir: string, opts: { args?: string[]; env?: NodeJS.ProcessEnv; password?: string } = {}): NodeProcess {
    const child = spawn(process.execPath, [CLI, "node", "start", "--data-dir", dataDir, "--password-stdin", ...(opts.args ?? [])], {
      env: { ...process.env, NO_COLOR: "1", ...LOCAL_MESH_ENV, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin?.end((opts.password ?? PASSWORD) + "\n");
    return new NodeProcess(child, dataDir);
  }

  /** Resolves once this process has published its lock and answers health; rejects if it exits first. */
  async ready(timeoutMs = 20_000): Promise<LockFile> {
    const deadline = Date.now() + timeoutMs;
    let exited: RunResult | undefined;
    void this.exited.then((r) => (exited = r));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`node exited (code ${exited.code}) before it was ready:\n${exited.output}`);
      const lock = await readLock(this.dataDir);
      if (lock && lock.pid === this.child.pid && lock.port !== 0) {
        this.lock = lock;
        return lock;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`node not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  get url(): string {
    if (!this.lock) throw new Error("node not ready");
    return `http://127.0.0.1:${this.lock.port}`;
  }

  fetch(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
    const { token, ...rest } = init;
    const headers = new Headers(rest.headers);
    const t = token === undefined ? this.lock?.token : token;
    if (t) headers.set("authorization", `Bearer ${t}`);
    return fetch(this.url + path, { ...rest, headers });
  }

  /** Resolves when the node's output (its log) matches `pattern`: for what the node says but offers no event for. */
  waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(this.output)) return false;
        clearTimeout(timer);
        this.child.stdout?.off("data", check);
        this.child.stderr?.off("data", check);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.child.stdout?.off("data", check);
        this.child.stderr?.off("data", check);
        reject(new Error(`the node never logged ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-2000)}`));
      }, timeoutMs);
      if (check()) return;
      this.child.stdout?.on("data", check);
      this.child.stderr?.on("data", check);
    });
  }

  exit(): Promise<RunResult> {
    return this.exited;
  }

  async stop(): Promise<RunResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    return this.exited;
  }

  async kill9(): Promise<RunResult> {
    this.child.kill("SIGKILL");
    return this.exited;
  }
}

/** A raw HTTP request, for headers fetch will not let a caller set (Host). */
export function rawRequest(port: number, opts: { path: string; headers: Record<string, string>; method?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: opts.path, method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
