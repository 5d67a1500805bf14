// What the payments tests share: the local chain process (scripts/local_chain.ts), a restartable
// JSON-RPC proxy in front of it (to take the RPC away and bring it back while the chain keeps its
// state), and an in-memory event cursor.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { CursorStore, EventCursor } from "../../node-service/payments/index.ts";
export { HardhatNodeProcess, devWallet } from "../../scripts/local_chain.ts";
export { freePort } from "../../scripts/code_server.ts";

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
