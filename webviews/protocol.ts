/**
 * Messages between the extension and its webviews, defined once: the extension's webview hosts and
 * each Preact app import these types. Webviews never talk to the node's API themselves.
 */
import type { Health, LogRecord } from "../node-service/api/protocol.ts";

/** What a webview is shown of the node link (a view of the extension's connection state). */
export type NodeView =
  | { kind: "starting"; detail: string }
  | { kind: "connected"; health: Health }
  | { kind: "offline"; reason: string }
  | { kind: "error"; message: string };

// ---- the node dashboard (webviews/node-status)

export type ToWebview = { type: "node"; node: NodeView } | { type: "log"; record: LogRecord };

export type WebviewCommand = "restartNode" | "openLogs" | "copyPeerId" | "copyAddress";
export type FromWebview = { type: "ready" } | { type: "command"; command: WebviewCommand };

/** Type guard for messages arriving from a webview (they cross a trust boundary: check, don't cast). */
export function isFromWebview(m: unknown): m is FromWebview {
  return isCommandMessage(m, ["restartNode", "openLogs", "copyPeerId", "copyAddress"]);
}

// ---- the prompt detail panel (webviews/prompt-detail)

/**
 * A prompt listing as the detail panel shows it, every amount already formatted exactly by the
 * extension (bigint): the webview only lays it out.
 */
export interface PromptDetail {
  id: string;
  version: number;
  /** milliseconds since the epoch, when the seller's node stamped the listing */
  createdAt: number | null;
  title: string;
  description: string;
  /** the public preview: plain text, shown preformatted */
  preview: string;
  model: string;
  tags: string[];
  license: string;
  /** what the buyer pays (the price), the marketplace's share of it and what the seller receives */
  price: { pays: string; fee: string; seller: string; feePercent: string };
  seller: { peerId: string; peerIdShort: string; wallet: string; walletShort: string };
  /** "★ 4.5 (12)" or "No ratings yet" */
  rating: string;
}

export type ToPromptDetail =
  /** the listing to show; `updated` once a newer version replaced the one shown before */
  | { type: "listing"; listing: PromptDetail; updated: boolean }
  /** the seller withdrew the listing: the panel keeps the last version and says so */
  | { type: "delisted" };

export type PromptDetailCommand = "copySellerPeerId" | "copySellerWallet";
export type FromPromptDetail = { type: "ready" } | { type: "command"; command: PromptDetailCommand };

export function isFromPromptDetail(m: unknown): m is FromPromptDetail {
  return isCommandMessage(m, ["copySellerPeerId", "copySellerWallet"]);
}

function isCommandMessage(m: unknown, commands: readonly string[]): boolean {
  if (typeof m !== "object" || m === null) return false;
  const msg = m as { type?: unknown; command?: unknown };
  if (msg.type === "ready") return true;
  return msg.type === "command" && commands.includes(msg.command as string);
}
