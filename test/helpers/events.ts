import WebSocket from "ws";
import type { NodeEvent } from "../../node-service/api/protocol.ts";

/** Listens on a node's /api/events and lets a test wait for the event it expects. */
export class EventTap {
  readonly events: NodeEvent[] = [];
  private readonly socket: WebSocket;
  private waiters: Array<{ match: (e: NodeEvent) => boolean; resolve: (e: NodeEvent) => void }> = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (raw) => {
      const e = JSON.parse(String(raw)) as NodeEvent;
      this.events.push(e);
      this.waiters = this.waiters.filter((w) => (w.match(e) ? (w.resolve(e), false) : true));
    });
  }

  static open(port: number, token: string): Promise<EventTap> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    const tap = new EventTap(socket);
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(tap));
      socket.once("unexpected-response", (_req, res) => reject(new Error(`WebSocket refused with HTTP ${res.statusCode}`)));
      socket.once("error", reject);
    });
  }

  /** Resolves with the first event (already seen or still to come) that matches. */
  waitFor<T extends NodeEvent["type"]>(type: T, match: (e: Extract<NodeEvent, { type: T }>) => boolean = () => true, timeoutMs = 10_000): Promise<Extract<NodeEvent, { type: T }>> {
    const test = (e: NodeEvent) => e.type === type && match(e as Extract<NodeEvent, { type: T }>);
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen as Extract<NodeEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${type}' event within ${timeoutMs} ms; saw ${this.events.map((x) => x.type).join(", ")}`)), timeoutMs);
      this.waiters.push({ match: test, resolve: (e) => (clearTimeout(timer), resolve(e as Extract<NodeEvent, { type: T }>)) });
    });
  }

  /** The wallet is ready: either already when this tap connected (hello) or announced since. */
  async walletReady(timeoutMs = 10_000): Promise<string> {
    const hello = await this.waitFor("hello");
    if (hello.health.wallet.state === "ready" && hello.health.wallet.address) return hello.health.wallet.address;
    const e = await this.waitFor("wallet", (w) => w.wallet.state === "ready", timeoutMs);
    return e.wallet.address!;
  }

  close(): void {
    this.socket.close();
  }
}
