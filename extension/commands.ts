import * as vscode from "vscode";
import type { NodeConnection } from "./node/connection.ts";
import type { KeystorePassword } from "./secrets.ts";
import { NodeStatusPanel } from "./webviews/node_status_panel.ts";
import { shortAddress } from "./short.ts";

interface Action extends vscode.QuickPickItem {
  run?: () => unknown;
}

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function statusItems(connection: NodeConnection, dataDir: string, logs: vscode.LogOutputChannel): Action[] {
  const s = connection.state;
  const items: Action[] = [];
  if (s.kind === "connected") {
    const h = s.health;
    items.push(
      { label: "$(radio-tower) Node connected", description: `pid ${h.pid} · up ${formatUptime(h.uptimeMs)} · v${h.version}` },
      { label: "$(person) PeerId", description: h.peerId, detail: "Copy to clipboard", run: () => vscode.env.clipboard.writeText(h.peerId) },
      {
        label: "$(credit-card) Wallet",
        description: h.wallet.address ? `${shortAddress(h.wallet.address)} (${h.wallet.state})` : h.wallet.state,
        detail: h.wallet.address ? "Copy the full address" : undefined,
        run: () => h.wallet.address && vscode.env.clipboard.writeText(h.wallet.address),
      },
      { label: "$(organization) Peers", description: String(h.peers) },
      {
        label: "$(server-process) Subsystems",
        description: Object.entries(h.subsystems)
          .map(([k, v]) => `${k}: ${v}`)
          .join(" · "),
      },
    );
  } else if (s.kind === "starting") {
    items.push({ label: "$(loading~spin) Node starting", description: s.detail });
  } else if (s.kind === "offline") {
    items.push({ label: "$(debug-disconnect) Node offline", description: s.reason });
  } else {
    items.push({ label: "$(error) Node error", description: s.message });
  }
  items.push(
    { label: "$(folder) Data directory", description: dataDir, detail: "Reveal in the file explorer", run: () => vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(dataDir)) },
    { label: "", kind: vscode.QuickPickItemKind.Separator },
    { label: "$(debug-restart) Restart Node", run: () => vscode.commands.executeCommand("ascendnet.restartNode") },
    { label: "$(dashboard) Open Node Dashboard", run: () => vscode.commands.executeCommand("ascendnet.openNodeDashboard") },
    { label: "$(output) Open Logs", run: () => logs.show() },
  );
  return items;
}

export function registerCommands(deps: {
  connection: NodeConnection;
  password: KeystorePassword;
  logs: vscode.LogOutputChannel;
  dataDir: () => string;
  extensionUri: vscode.Uri;
}): vscode.Disposable[] {
  const { connection, logs } = deps;
  return [
    vscode.commands.registerCommand("ascendnet.showNodeStatus", async () => {
      const pick = await vscode.window.showQuickPick(statusItems(connection, deps.dataDir(), logs), {
        title: "AscendNet Node",
        placeHolder: "Node status: pick an entry to act on it",
      });
      await pick?.run?.();
    }),
    vscode.commands.registerCommand("ascendnet.restartNode", () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "AscendNet: restarting the node…" }, async () => {
        await connection.restart();
        const s = connection.state;
        if (s.kind !== "connected") void vscode.window.showErrorMessage(`AscendNet: the node did not come back (${s.kind === "error" ? s.message : s.kind}).`, "Open Logs").then((a) => a && logs.show());
      }),
    ),
    vscode.commands.registerCommand("ascendnet.openLogs", () => logs.show()),
    vscode.commands.registerCommand("ascendnet.openNodeDashboard", () => NodeStatusPanel.show(deps.extensionUri, connection)),
    vscode.commands.registerCommand("ascendnet.setWalletPassword", async () => {
      const value = await vscode.window.showInputBox({
        title: "AscendNet: wallet keystore password",
        prompt: "The password of the keystore in the node's data directory. Stored in the OS keychain.",
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.length < 8 ? "At least 8 characters" : undefined),
      });
      if (value === undefined) return;
      await deps.password.set(value);
      await vscode.commands.executeCommand("ascendnet.restartNode");
    }),
  ];
}
