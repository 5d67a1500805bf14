// A real `hardhat node` in its own process on a free loopback port, a restartable JSON-RPC proxy in
// front of it (to take the RPC away and bring it back while the chain keeps its state), and the
// helpers the payments tests share.
import { spawn, type ChildProcess } from "node:child_process";
import { realpathSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { HDNodeWallet, Mnemonic } from "ethers";
import type { CursorStore, EventCursor } from "../../node-service/payments/index.ts";
import { ROOT } from "./node_process.ts";

const HARDHAT = realpathSync(join(ROOT, "node_modules/.bin/hardhat"));
/** Hardhat's public development mnemonic: its accounts are funded on every local chain. */
const DEV_MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");

export function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(DEV_MNEMONIC, `m/44'/60'/0'/0/${index}`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolveClose) => server.close(resolveClose));
  return port;
}

export class HardhatNodeProcess {
  readonly url: string;
  private readonly child: ChildProcess;
  private output = "";
  private readonly exited: Promise<void>;

  private constructor(port: number) {
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.on("data", (d) => (this.output += d));
    this.child.stderr?.on("data", (d) => (this.output += d));
    this.exited = new Promise((resolveExit) => this.child.once("exit", () => resolveExit()));
  }

  /** Starts the node and resolves once it says its JSON-RPC server listens. */
  static async start(): Promise<HardhatNodeProcess> {
    const node = new HardhatNodeProcess(await freePort());
    await new Promise<void>((resolveReady, rejectReady) => {
      const timer = setTimeout(() => rejectReady(new Error(`hardhat node did not start within 30 s:\n${node.output}`)), 30_000);
      const onData = () => {
        if (!node.output.includes("JSON-RPC server at")) return;
        clearTimeout(timer);
        node.child.stdout?.off("data", onData);
        resolveReady();
      };
      node.child.stdout?.on("data", onData);
      node.child.once("exit", () => {
        clearTimeout(timer);
        rejectReady(new Error(`hardhat node exited before it started:\n${node.output}`));
      });
    });
    return node;
  }

  /** Freezes the process: the port still accepts connections but nothing answers. */
  pause(): void {
    this.child.kill("SIGSTOP");
  }

  resume(): void {
    this.child.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill("SIGCONT");
    this.child.kill("SIGTERM");
    await this.exited;
  }
}

/** Forwards HTTP JSON-RPC to `target`; stop() drops it (connections refused) and start() brings it back on the same port. */
export class RpcProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private readonly target: URL;

  constructor(target: string) {
    this.target = new URL(target);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const upstream = request({ host: this.target.hostname, port: this.target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolveListen) => server.listen(this.port, "127.0.0.1", resolveListen));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolveClose) => server.close(resolveClose));
  }
}

/** The cursor store a node would keep in its state file, in memory. */
export class MemoryCursorStore implements CursorStore {
  cursor: EventCursor | undefined;
  async load(): Promise<EventCursor | undefined> {
    return this.cursor;
  }
  async save(cursor: EventCursor): Promise<void> {
    this.cursor = cursor;
  }
}
