import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AscendError, type ErrorCode } from "../utils/errors.ts";
import type { Logger } from "../utils/logger.ts";
import type { ErrorBody } from "./protocol.ts";

export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  const body: ErrorBody = { error: { code, message } };
  return reply.code(status).type("application/json").send(body);
}

const FASTIFY_CODES: Record<string, [number, ErrorCode, string?]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "PAYLOAD_TOO_LARGE"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, "BAD_REQUEST"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "BAD_REQUEST", "the body is empty; send a JSON object"],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, "BAD_REQUEST"],
};

/** Turns any thrown error into `{error:{code,message}}` with the fitting status; internals stay in the log. */
export function createErrorHandler(log: Logger) {
  return function onError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
    if (err instanceof AscendError) return sendError(reply, err.status, err.code, err.message);
    if (err.validation) return sendError(reply, 400, "BAD_REQUEST", err.message);
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) return sendError(reply, known[0], known[1], known[2] ?? err.message);
    if (err instanceof SyntaxError) return sendError(reply, 400, "BAD_REQUEST", `the body is not valid JSON: ${err.message}`);
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, err.statusCode, "BAD_REQUEST", err.message);
    }
    log.error({ err, route: req.routeOptions.url }, "request failed");
    return sendError(reply, 500, "INTERNAL", "internal error; the node log has the details");
  };
}
