import Fastify, { LogController } from "fastify";
import websocket from "@fastify/websocket";
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";
import Value from "typebox/value";
import type { Logger } from "../utils/logger.ts";
import { describeErrors } from "../utils/schema.ts";
import { createErrorHandler, sendError } from "./errors.ts";
import type { EventBus } from "./events.ts";
import { createGuard } from "./guard.ts";
import { EVENTS_PATH, MAX_BODY_BYTES, Routes, type Health, type NodeEvent, type RouteBody, type RouteName, type RouteResponse } from "./protocol.ts";

/** What the API needs from the node. Routes stay thin: validate, call one of these, reply. */
export interface ApiServices {
  health(): Health;
  events: EventBus;
  handlers: { [K in RouteName]: (body: RouteBody<K>) => RouteResponse<K> | Promise<RouteResponse<K>> };
}

export interface ApiServer {
  readonly port: number;
  close(): Promise<void>;
}

// Each WebSocket client may lag this far behind before it is dropped, so one stuck view cannot grow the node's memory.
const MAX_SOCKET_BUFFER = 4 * 1024 * 1024;

function validatorFor(schema: TSchema, part: string) {
  // compiled once per route, when Fastify sets the route up
  const check = Compile(schema);
  return (data: unknown) => {
    const value = part === "body" ? data : Value.Convert(schema, data);
    if (check.Check(value)) return { value };
    return { error: new Error(`${part}: ${describeErrors(schema, value).join("; ")}`) };
  };
}

export async function startApiServer(opts: { log: Logger; token: string; port: number; services: ApiServices }): Promise<ApiServer> {
  const { services } = opts;
  const app = Fastify({
    loggerInstance: opts.log,
    // one debug line per request from our onResponse hook instead of two info lines
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  let port = opts.port;
  app.setValidatorCompiler(({ schema, httpPart }) => validatorFor(schema as TSchema, httpPart ?? "body"));
  app.setErrorHandler(createErrorHandler(opts.log));
  // only JSON bodies are part of the protocol; anything else is 415, not a string the schema rejects
  app.removeContentTypeParser("text/plain");
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, "NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`));
  // The WebSocket plugin first: its own onRequest hook marks upgrade requests so that a refused
  // upgrade's socket is destroyed; registered after the guard, a refused upgrade leaks its socket.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.addHook("onRequest", createGuard({ token: opts.token, port: () => port }));
  app.addHook("onResponse", async (req, reply) => {
    opts.log.debug({ method: req.method, url: req.url.split("?")[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "api");
  });

  app.get(EVENTS_PATH, { websocket: true }, (socket) => {
    const send = (e: NodeEvent) => {
      if (socket.bufferedAmount > MAX_SOCKET_BUFFER) return socket.terminate();
      socket.send(JSON.stringify(e));
    };
    send({ type: "hello", health: services.health() });
    const unsubscribe = services.events.subscribe(send);
    socket.on("close", unsubscribe);
    socket.on("error", unsubscribe);
  });

  for (const [name, def] of Object.entries(Routes) as Array<[RouteName, (typeof Routes)[RouteName]]>) {
    const handler = services.handlers[name] as (body: unknown) => unknown;
    app.route({
      method: def.method,
      url: def.path,
      schema: { ...("body" in def ? { body: def.body } : {}), ...("query" in def ? { querystring: def.query } : {}) },
      handler: async (req) => handler("query" in def ? req.query : req.body),
    });
  }

  await app.listen({ host: "127.0.0.1", port: opts.port });
  const address = app.server.address();
  port = typeof address === "object" && address ? address.port : opts.port;
  return {
    get port() {
      return port;
    },
    close: async () => {
      for (const client of app.websocketServer?.clients ?? []) client.close(1001, "node stopping");
      await app.close();
    },
  };
}
