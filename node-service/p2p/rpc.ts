import type { PeerId, Stream } from "@libp2p/interface";
import { lpStream } from "@libp2p/utils";
import type { Logger } from "../utils/logger.ts";
import type { AscendLibp2p } from "./libp2p.ts";

export interface RpcLimits {
  /** largest single message either side accepts, in bytes */
  maxBytes: number;
  /** whole exchange, dial to answer */
  timeoutMs: number;
}

const encoder = new TextEncoder();
const OVERSIZED = new Set(["InvalidDataLengthError", "InvalidDataLengthLengthError", "InvalidMessageLengthError"]);
const decoder = new TextDecoder();

/** Thrown for an answer that is oversized, late or not JSON; the caller scores the peer for it. */
export class RpcError extends Error {
  readonly peer: string;
  constructor(peer: string, message: string) {
    super(message);
    this.peer = peer;
  }
}

async function exchange(stream: Stream, message: unknown, limits: RpcLimits, signal: AbortSignal): Promise<unknown> {
  const lp = lpStream(stream, { maxDataLength: limits.maxBytes });
  const bytes = encoder.encode(JSON.stringify(message));
  if (bytes.length > limits.maxBytes) throw new Error(`request of ${bytes.length} bytes exceeds ${limits.maxBytes}`);
  await lp.write(bytes, { signal });
  const answer = await lp.read({ signal });
  return JSON.parse(decoder.decode(answer.subarray()));
}

/**
 * One request, one answer, on a protocol stream: length-prefixed JSON, both directions capped,
 * the whole exchange under a deadline. Nothing a peer sends can grow memory past the cap or hang us.
 */
export async function callRpc(node: AscendLibp2p, peer: PeerId, protocol: string, request: unknown, limits: RpcLimits): Promise<unknown> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const stream = await node.dialProtocol(peer, protocol, { signal });
  try {
    const answer = await exchange(stream, request, limits, signal);
    await stream.close({ signal }).catch(() => undefined);
    return answer;
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)));
    throw new RpcError(peer.toString(), `${protocol} with ${peer.toString()}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Serves `protocol`: each inbound stream carries one request, answered by `handler`. */
export async function serveRpc(
  node: AscendLibp2p,
  protocol: string,
  limits: RpcLimits,
  log: Logger,
  handler: (request: unknown, peer: string) => Promise<unknown>,
  onBadRequest: (peer: string, reason: string) => void,
): Promise<void> {
  await node.handle(protocol, async (stream, connection) => {
    const peer = connection.remotePeer.toString();
    const signal = AbortSignal.timeout(limits.timeoutMs);
    try {
      const lp = lpStream(stream, { maxDataLength: limits.maxBytes });
      let request: unknown;
      try {
        request = JSON.parse(decoder.decode((await lp.read({ signal })).subarray()));
      } catch (err) {
        // A peer is charged for what it sent (oversized, not JSON), never for a stream that broke or
        // timed out: on a loaded machine honest peers do that, and charging them would starve the mesh.
        if (err instanceof SyntaxError || OVERSIZED.has((err as Error).name)) onBadRequest(peer, (err as Error).message);
        stream.abort(new Error("bad request"));
        return;
      }
      const answer = encoder.encode(JSON.stringify(await handler(request, peer)));
      await lp.write(answer, { signal });
      await stream.close({ signal });
    } catch (err) {
      log.debug({ module: "p2p", peer, protocol, err: err instanceof Error ? err.message : String(err) }, "rpc failed");
      stream.abort(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
