import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendError } from "./errors.ts";

const LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/**
 * The three checks every request passes before any route runs, in this order:
 * Host must name this loopback port (defeats DNS rebinding), any Origin is refused (no web page may
 * drive the node; the editor's client sends none), and the bearer token must match.
 */
export function createGuard(opts: { token: string; port: () => number }) {
  const expected = Buffer.from(opts.token);
  return async function guard(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    // a refused client gets no kept-alive socket to try again on
    const refuse = (status: number, code: "FORBIDDEN" | "UNAUTHORIZED", message: string) => sendError(reply.header("connection", "close"), status, code, message);
    const host = req.headers.host ?? "";
    const allowedHosts = LOCAL_HOSTS.map((h) => `${h}:${opts.port()}`);
    if (!allowedHosts.includes(host.toLowerCase())) {
      return refuse(403, "FORBIDDEN", `Host '${host}' is not this node's loopback address`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      return refuse(403, "FORBIDDEN", `cross-origin requests are refused (Origin '${origin}')`);
    }
    const auth = req.headers.authorization ?? "";
    const match = /^Bearer (\S+)$/.exec(auth);
    const given = Buffer.from(match?.[1] ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return refuse(401, "UNAUTHORIZED", "missing or wrong bearer token (the node's lock file holds it)");
    }
  };
}
