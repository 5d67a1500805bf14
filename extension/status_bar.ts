import * as vscode from "vscode";
import type { ConnectionState } from "./node/connection.ts";
import { shortAddress } from "./short.ts";

/** One status bar item: node state, peer count, short wallet address. Click: the status quick pick. */
export class NodeStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("ascendnet.status", vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = "AscendNet Node";
    this.item.command = "ascendnet.showNodeStatus";
    this.item.show();
  }

  update(state: ConnectionState): void {
    const item = this.item;
    item.backgroundColor = undefined;
    switch (state.kind) {
      case "starting":
        item.text = "$(loading~spin) AscendNet";
        item.tooltip = `AscendNet: ${state.detail}…`;
        item.accessibilityInformation = { label: `AscendNet ${state.detail}` };
        break;
      case "connected": {
        const h = state.health;
        const peers = `${h.peers} peer${h.peers === 1 ? "" : "s"}`;
        item.text = `$(radio-tower) AscendNet · ${peers} · ${shortAddress(h.wallet.address)}`;
        const tip = new vscode.MarkdownString(
          `**AscendNet node connected**\n\nPeerId \`${h.peerId}\`\n\nWallet \`${h.wallet.address ?? "being created"}\` (${h.wallet.state})\n\n${peers} · version ${h.version}`,
        );
        item.tooltip = tip;
        item.accessibilityInformation = { label: `AscendNet connected, ${peers}, wallet ${h.wallet.address ?? "being created"}` };
        break;
      }
      case "offline":
        item.text = "$(debug-disconnect) AscendNet offline";
        item.tooltip = `AscendNet: ${state.reason}${state.retryInMs ? ` (retrying in ${Math.round(state.retryInMs / 1000)} s)` : ""}`;
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
        item.accessibilityInformation = { label: `AscendNet offline: ${state.reason}` };
        break;
      case "error":
        item.text = "$(error) AscendNet";
        item.tooltip = `AscendNet: ${state.message}`;
        item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
        item.accessibilityInformation = { label: `AscendNet error: ${state.message}` };
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
