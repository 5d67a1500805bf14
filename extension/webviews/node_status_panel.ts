import * as vscode from "vscode";
import type { NodeEvent } from "../../node-service/api/protocol.ts";
import { isFromWebview, type NodeView, type ToWebview } from "../../webviews/protocol.ts";
import type { ConnectionState, NodeConnection } from "../node/connection.ts";
import { webviewHtml } from "./html.ts";

function toView(s: ConnectionState): NodeView {
  switch (s.kind) {
    case "connected":
      return { kind: "connected", health: s.health };
    case "starting":
      return { kind: "starting", detail: s.detail };
    case "offline":
      return { kind: "offline", reason: s.reason };
    case "error":
      return { kind: "error", message: s.message };
  }
}

/** The node dashboard: one panel at a time, fed by the connection's state and the node's log events. */
export class NodeStatusPanel {
  private static current: NodeStatusPanel | undefined;
  private readonly panel: vscode.WebviewPanel;
  private readonly connection: NodeConnection;
  private readonly disposables: Array<() => void> = [];

  static show(extensionUri: vscode.Uri, connection: NodeConnection): void {
    if (NodeStatusPanel.current) return NodeStatusPanel.current.panel.reveal();
    NodeStatusPanel.current = new NodeStatusPanel(extensionUri, connection);
  }

  private constructor(extensionUri: vscode.Uri, connection: NodeConnection) {
    this.connection = connection;
    this.panel = vscode.window.createWebviewPanel("ascendnet.nodeStatus", "AscendNet Node", vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webviews")],
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, "node-status", "AscendNet Node");
    const send = (m: ToWebview) => void this.panel.webview.postMessage(m);
    this.disposables.push(
      connection.onDidChangeState((s) => send({ type: "node", node: toView(s) })),
      connection.onEvent((e: NodeEvent) => {
        if (e.type === "log") send({ type: "log", record: e.record });
        if (e.type === "wallet" || e.type === "hello") send({ type: "node", node: toView(connection.state) });
      }),
    );
    const sub = this.panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isFromWebview(m)) return;
      if (m.type === "ready") return send({ type: "node", node: toView(this.connection.state) });
      const s = this.connection.state;
      switch (m.command) {
        case "restartNode":
          return void vscode.commands.executeCommand("ascendnet.restartNode");
        case "openLogs":
          return void vscode.commands.executeCommand("ascendnet.openLogs");
        case "copyPeerId":
          return s.kind === "connected" && void vscode.env.clipboard.writeText(s.health.peerId);
        case "copyAddress":
          return s.kind === "connected" && s.health.wallet.address && void vscode.env.clipboard.writeText(s.health.wallet.address);
      }
    });
    this.panel.onDidDispose(() => {
      sub.dispose();
      for (const d of this.disposables) d();
      NodeStatusPanel.current = undefined;
    });
  }
}
