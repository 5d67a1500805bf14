import type { ChildProcess } from "node:child_process";
import { isLockLive, readLock } from "../../node-service/api/discovery.ts";
import type { Health, NodeEvent } from "../../node-service/api/protocol.ts";
import { ApiClient } from "./client.ts";
import { lastSpawnLines, spawnNode } from "./spawn.ts";

export type ConnectionState =
  | { kind: "starting"; detail: string }
  | { kind: "connected"; health: Health }
  | { kind: "offline"; reason: string; retryInMs?: number }
  | { kind: "error"; message: string; needsPassword?: boolean };

export interface ConnectionLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface NodeConnectionOptions {
  dataDir: string;
  /** the bundled node-service entry point */
  nodeScript: string;
  autoStart: boolean;
  password(): Promise<string>;
  /** extra `node start` flags from the editor's settings */
  args(): string[];
  log: ConnectionLog;
}

const START_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;
/** exit code of a node whose keystore password was wrong (see the CLI) */
const EXIT_BAD_INPUT = 2;

/**
 * The editor's link to its node, independent of VS Code: finds the node through its lock file or
 * spawns one, keeps the event stream open, and brings the node back with backoff if it dies.
 */
export class NodeConnection {
  private current: ConnectionState = { kind: "offline", reason: "not started" };
  private client: ApiClient | undefined;
  private stream: { close(): void } | undefined;
  private child: ChildProcess | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private disposed = false;
  private connecting: Promise<void> | undefined;
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly eventListeners = new Set<(e: NodeEvent) => void>();

  private readonly opts: NodeConnectionOptions;
  constructor(opts: NodeConnectionOptions) {
    this.opts = opts;
  }

  get state(): ConnectionState {
    return this.current;
  }

  get api(): ApiClient | undefined {
    return this.current.kind === "connected" ? this.client : undefined;
  }

  onDidChangeState(fn: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  onEvent(fn: (e: NodeEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** Connects to the running node or starts one. Concurrent calls share one attempt. */
  connect(): Promise<void> {
    this.connecting ??= this.tryConnect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Stops the node (whoever started it) and starts a fresh one. */
  async restart(): Promise<void> {
    this.clearRetry();
    this.failures = 0;
    const api = this.client;
    this.setState({ kind: "starting", detail: "restarting the node" });
    this.dropStream();
    if (api) {
      await api.call("shutdown").catch(() => undefined);
      await this.waitFor(async () => !(await this.liveLock()), START_TIMEOUT_MS);
    }
    await this.connect();
  }

  dispose(): void {
    this.disposed = true;
    this.clearRetry();
    this.dropStream();
    this.stateListeners.clear();
    this.eventListeners.clear();
  }

  private async tryConnect(): Promise<void> {
    this.clearRetry();
    try {
      let lock = await this.liveLock();
      if (!lock) {
        if (!this.opts.autoStart) {
          this.setState({ kind: "offline", reason: "no node is running (automatic start is off in the settings)" });
          return;
        }
        this.setState({ kind: "starting", detail: "starting the node" });
        lock = await this.spawnAndWait();
      }
      const client = new ApiClient({ port: lock.port, token: lock.token });
      const health = await client.call("health");
      this.client = client;
      this.failures = 0;
      this.stream = client.subscribe({
        onEvent: (e) => this.handleEvent(e),
        onClose: () => this.handleLoss(),
      });
      this.setState({ kind: "connected", health });
      this.opts.log.info(`connected to node ${health.peerId} (pid ${health.pid}, port ${lock.port})`);
    } catch (err) {
      if (this.current.kind === "error") return; // the reason is already shown
      this.scheduleRetry(err instanceof Error ? err.message : String(err));
    }
  }

  private async liveLock() {
    const lock = await readLock(this.opts.dataDir);
    return lock && lock.port !== 0 && (await isLockLive(lock)) ? lock : undefined;
  }

  private async spawnAndWait() {
    const password = await this.opts.password();
    const startedAt = Date.now();
    const child = spawnNode({ nodeScript: this.opts.nodeScript, dataDir: this.opts.dataDir, password, args: this.opts.args() });
    this.child = child;
    let exitCode: number | null | undefined;
    child.once("exit", (code) => {
      exitCode = code;
      if (this.child === child) this.child = undefined;
    });
    this.opts.log.info(`started node-service (pid ${child.pid}) for ${this.opts.dataDir}`);
    const lock = await this.waitFor(async () => {
      if (exitCode !== undefined) {
        const why = lastSpawnLines(this.opts.dataDir) || `exit code ${exitCode}`;
        if (exitCode === EXIT_BAD_INPUT) {
          this.setState({ kind: "error", message: why, needsPassword: /password/i.test(why) });
        }
        throw new Error(`the node exited during start: ${why}`);
      }
      return this.liveLock();
    }, START_TIMEOUT_MS);
    if (!lock) throw new Error(`the node did not answer within ${START_TIMEOUT_MS / 1000} s`);
    this.opts.log.info(`node ready in ${Date.now() - startedAt} ms`);
    return lock;
  }

  private async waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.disposed) {
      const value = await probe();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }

  private handleEvent(e: NodeEvent): void {
    if (this.current.kind === "connected") {
      if (e.type === "hello") this.setState({ kind: "connected", health: e.health });
      if (e.type === "wallet") this.setState({ kind: "connected", health: { ...this.current.health, wallet: e.wallet } });
      if (e.type === "peer" && e.action !== "updated") {
        const peers = Math.max(0, this.current.health.peers + (e.action === "connected" ? 1 : -1));
        this.setState({ kind: "connected", health: { ...this.current.health, peers } });
      }
    }
    for (const l of this.eventListeners) l(e);
  }

  private handleLoss(): void {
    this.stream = undefined;
    this.client = undefined;
    if (this.disposed || this.current.kind !== "connected") return;
    this.opts.log.warn("lost the connection to the node");
    this.scheduleRetry("the node stopped");
  }

  private scheduleRetry(reason: string): void {
    if (this.disposed) return;
    this.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures - 1, 6));
    this.opts.log.warn(`${reason}; retrying in ${Math.round(delay / 1000)} s`);
    this.setState({ kind: "offline", reason, retryInMs: delay });
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private dropStream(): void {
    const s = this.stream;
    this.stream = undefined;
    this.client = undefined;
    s?.close();
  }

  private setState(next: ConnectionState): void {
    this.current = next;
    for (const l of this.stateListeners) l(next);
  }
}
