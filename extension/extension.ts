import * as vscode from "vscode";
import type { LogRecord } from "../node-service/api/protocol.ts";
import { registerCommands } from "./commands.ts";
import { NodeConnection, type ConnectionState } from "./node/connection.ts";
import { KeystorePassword } from "./secrets.ts";
import { readSettings } from "./settings.ts";
import { NodeStatusBar } from "./status_bar.ts";
import { registerViews } from "./views/index.ts";

/** What the extension hands to other extensions and to its own in-editor tests. */
export interface AscendNetApi {
  /** time spent inside activate(), as VS Code's Running Extensions view counts it */
  readonly activationMs: number;
  state(): ConnectionState;
  /** resolves with the first state that satisfies `predicate` */
  waitForState(predicate: (s: ConnectionState) => boolean): Promise<ConnectionState>;
}

function forwardLog(channel: vscode.LogOutputChannel, r: LogRecord): void {
  const line = r.module ? `[${r.module}] ${r.msg}` : r.msg;
  switch (r.level) {
    case "trace":
      return channel.trace(line);
    case "debug":
      return channel.debug(line);
    case "info":
      return channel.info(line);
    case "warn":
      return channel.warn(line);
    default:
      return channel.error(line);
  }
}

export function activate(context: vscode.ExtensionContext): AscendNetApi {
  const activateStarted = performance.now();
  const logs = vscode.window.createOutputChannel("AscendNet", { log: true });
  const settings = readSettings();
  const password = new KeystorePassword(context.secrets);
  const connection = new NodeConnection({
    dataDir: settings.dataDir,
    nodeScript: context.asAbsolutePath("dist/node-service/cli.mjs"),
    autoStart: settings.autoStart,
    password: () => password.get(),
    args: () => readSettings().nodeArgs,
    log: logs,
  });
  const statusBar = new NodeStatusBar();
  statusBar.update(connection.state);

  const onState = (s: ConnectionState) => {
    statusBar.update(s);
    void vscode.commands.executeCommand("setContext", "ascendnet.nodeState", s.kind);
    if (s.kind === "error") {
      const actions = s.needsPassword ? ["Set Wallet Password", "Open Logs"] : ["Restart Node", "Open Logs"];
      void vscode.window.showErrorMessage(`AscendNet node: ${s.message}`, ...actions).then((a) => {
        if (a === "Open Logs") logs.show();
        if (a === "Restart Node") void vscode.commands.executeCommand("ascendnet.restartNode");
        if (a === "Set Wallet Password") void vscode.commands.executeCommand("ascendnet.setWalletPassword");
      });
    }
  };
  const offState = connection.onDidChangeState(onState);
  const offEvents = connection.onEvent((e) => {
    if (e.type === "log") forwardLog(logs, e.record);
  });

  context.subscriptions.push(
    logs,
    statusBar,
    ...registerViews(connection, context),
    ...registerCommands({ connection, password, logs, dataDir: () => settings.dataDir, extensionUri: context.extensionUri }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("ascendnet.dataDir")) {
        void vscode.window.showInformationMessage("AscendNet: reload the window to use the new data directory.", "Reload").then((a) => a && vscode.commands.executeCommand("workbench.action.reloadWindow"));
      }
    }),
    { dispose: () => (offState(), offEvents(), connection.dispose()) },
  );
  void vscode.commands.executeCommand("setContext", "ascendnet.nodeState", connection.state.kind);
  // The node outlives this window on purpose (other windows share it); activation only starts the link.
  void connection.connect();

  const activationMs = performance.now() - activateStarted;
  logs.info(`activated in ${activationMs.toFixed(1)} ms; data directory ${settings.dataDir}`);
  return {
    activationMs,
    state: () => connection.state,
    waitForState: (predicate) =>
      new Promise((resolve) => {
        if (predicate(connection.state)) return resolve(connection.state);
        const off = connection.onDidChangeState((s) => {
          if (predicate(s)) {
            off();
            resolve(s);
          }
        });
      }),
  };
}

export function deactivate(): void {}
