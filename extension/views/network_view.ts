import * as vscode from "vscode";
import type { PeerInfo } from "../../node-service/api/protocol.ts";
import type { NodeConnection } from "../node/connection.ts";
import { shortPeerId } from "../short.ts";

/** The Network view: the node's connected peers, updated live from the node's `peer` events. */
export class NetworkView implements vscode.TreeDataProvider<PeerInfo>, vscode.Disposable {
  private readonly peers = new Map<string, PeerInfo>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly offs: Array<() => void>;

  constructor(connection: NodeConnection) {
    this.offs = [
      connection.onDidChangeState((s) => {
        if (s.kind !== "connected") {
          this.peers.clear();
          this.changed.fire();
        }
      }),
      connection.onEvent((e) => {
        if (e.type === "hello") void this.reload(connection);
        if (e.type !== "peer") return;
        if (e.action === "disconnected") this.peers.delete(e.peer.peerId);
        else this.peers.set(e.peer.peerId, e.peer);
        this.changed.fire();
      }),
    ];
  }

  private async reload(connection: NodeConnection): Promise<void> {
    const api = connection.api;
    if (!api) return;
    try {
      const { peers } = await api.call("networkPeers");
      this.peers.clear();
      for (const p of peers) this.peers.set(p.peerId, p);
      this.changed.fire();
    } catch {
      // the connection reports its own failures; the view keeps what it had
    }
  }

  getTreeItem(p: PeerInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(shortPeerId(p.peerId), vscode.TreeItemCollapsibleState.None);
    item.id = p.peerId;
    item.iconPath = new vscode.ThemeIcon("vm-connect", new vscode.ThemeColor(p.score < 0 ? "errorForeground" : "charts.green"));
    item.description = [p.latencyMs !== null ? `${p.latencyMs} ms` : undefined, p.agentVersion ?? undefined].filter(Boolean).join(" · ");
    item.tooltip = new vscode.MarkdownString(
      [`**${p.peerId}**`, "", ...p.addresses.map((a) => `- \`${a}\``), "", `score ${p.score} · connected ${new Date(p.since).toLocaleTimeString()}`].join("\n"),
    );
    item.contextValue = "ascendnet.peer";
    item.accessibilityInformation = { label: `peer ${p.peerId}, ${item.description}` };
    return item;
  }

  getChildren(): PeerInfo[] {
    return [...this.peers.values()].sort((a, b) => a.since - b.since);
  }

  dispose(): void {
    for (const off of this.offs) off();
    this.changed.dispose();
  }
}
