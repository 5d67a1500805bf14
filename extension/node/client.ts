import WebSocket from "ws";
import Value from "typebox/value";
import {
  EVENTS_PATH,
  NodeEventSchema,
  Routes,
  type ErrorBody,
  type NodeEvent,
  type RouteBody,
  type RouteName,
  type RouteResponse,
} from "../../node-service/api/protocol.ts";

/** An error the node answered with, carrying its code so callers can branch on it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface Endpoint {
  port: number;
  token: string;
}

/** Typed calls to the local API: route names, bodies and responses come from the node's protocol module. */
export class ApiClient {
  private readonly endpoint: Endpoint;
  constructor(endpoint: Endpoint) {
    this.endpoint = endpoint;
  }

  get port(): number {
    return this.endpoint.port;
  }

  async call<K extends RouteName>(route: K, ...body: RouteBody<K> extends undefined ? [] : [RouteBody<K>]): Promise<RouteResponse<K>> {
    const def = Routes[route];
    const headers: Record<string, string> = { authorization: `Bearer ${this.endpoint.token}` };
    const init: RequestInit = { method: def.method, headers, signal: AbortSignal.timeout(10_000) };
    let query = "";
    if (body.length > 0 && "query" in def) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(body[0] as Record<string, unknown>)) {
        for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined) params.append(k, String(item));
      }
      query = `?${params.toString()}`;
    } else if (body.length > 0) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body[0]);
    }
    const res = await fetch(`http://127.0.0.1:${this.endpoint.port}${def.path}${query}`, init);
    const data: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const err = (data as ErrorBody | undefined)?.error;
      throw new ApiError(res.status, err?.code ?? "HTTP_" + res.status, err?.message ?? `the node answered ${res.status}`);
    }
    if (!Value.Check(def.response, data)) throw new ApiError(res.status, "BAD_RESPONSE", `the node's ${route} answer does not match the protocol`);
    return data as RouteResponse<K>;
  }

  /** Opens the event stream. Events that do not match the protocol are dropped, never passed on. */
  subscribe(handlers: { onEvent(e: NodeEvent): void; onClose(): void }): { close(): void } {
    const socket = new WebSocket(`ws://127.0.0.1:${this.endpoint.port}${EVENTS_PATH}`, {
      headers: { authorization: `Bearer ${this.endpoint.token}` },
    });
    socket.on("message", (raw) => {
      let event: unknown;
      try {
        event = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (Value.Check(NodeEventSchema, event)) handlers.onEvent(event);
    });
    let closed = false;
    const done = () => {
      if (closed) return;
      closed = true;
      handlers.onClose();
    };
    socket.on("close", done);
    socket.on("error", done);
    return { close: () => socket.close() };
  }
}
