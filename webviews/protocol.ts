/**
 * Messages between the extension and its webviews, defined once: the extension's webview host and
 * each Preact app import these types. Webviews never talk to the node's API themselves.
 */
import type { Health, LogRecord } from "../node-service/api/protocol.ts";

/** What a webview is shown of the node link (a view of the extension's connection state). */
export type NodeView =
  | { kind: "starting"; detail: string }
  | { kind: "connected"; health: Health }
  | { kind: "offline"; reason: string }
  | { kind: "error"; message: string };

export type ToWebview = { type: "node"; node: NodeView } | { type: "log"; record: LogRecord };

export type WebviewCommand = "restartNode" | "openLogs" | "copyPeerId" | "copyAddress";
export type FromWebview = { type: "ready" } | { type: "command"; command: WebviewCommand };

/** Type guard for messages arriving from a webview (they cross a trust boundary: check, don't cast). */
export function isFromWebview(m: unknown): m is FromWebview {
  if (typeof m !== "object" || m === null) return false;
  const msg = m as { type?: unknown; command?: unknown };
  if (msg.type === "ready") return true;
  return msg.type === "command" && ["restartNode", "openLogs", "copyPeerId", "copyAddress"].includes(msg.command as string);
}
