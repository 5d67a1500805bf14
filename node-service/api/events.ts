import type { NodeEvent } from "./protocol.ts";

/** Fan-out of node events to every subscriber (WebSocket clients). Subscribers never block the emitter. */
export class EventBus {
  private readonly subscribers = new Set<(e: NodeEvent) => void>();

  emit(event: NodeEvent): void {
    for (const s of this.subscribers) {
      try {
        s(event);
      } catch {
        // one broken subscriber must not starve the others
      }
    }
  }

  subscribe(fn: (e: NodeEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  get size(): number {
    return this.subscribers.size;
  }
}
