import * as vscode from "vscode";

import { registerMarketCommands } from "../market_commands.ts";
import type { NodeConnection } from "../node/connection.ts";
import { registerWalletCommands } from "../wallet_commands.ts";
import { MARKETPLACE_VIEW_ID, MarketplaceView } from "./marketplace_view.ts";
import { NetworkView } from "./network_view.ts";
import { WALLET_VIEW_ID, WalletView } from "./wallet_view.ts";

/** Views whose content arrives with later capabilities: empty, so VS Code shows their welcome content. */
const EMPTY_VIEW_IDS = ["ascendnet.library", "ascendnet.computeJobs"] as const;

class EmptyTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}

/** The activity-bar views, and the commands that belong to one view. */
export function registerViews(connection: NodeConnection, context: Pick<vscode.ExtensionContext, "workspaceState" | "extensionUri">): vscode.Disposable[] {
  const marketplace = new MarketplaceView(connection, context.workspaceState);
  const network = new NetworkView(connection);
  const wallet = new WalletView(connection);
  const walletTree = vscode.window.createTreeView(WALLET_VIEW_ID, { treeDataProvider: wallet });
  return [
    ...EMPTY_VIEW_IDS.map((id) => vscode.window.createTreeView(id, { treeDataProvider: new EmptyTree() })),
    marketplace,
    vscode.window.createTreeView(MARKETPLACE_VIEW_ID, { treeDataProvider: marketplace, showCollapseAll: true }),
    ...registerMarketCommands(connection, marketplace, context.extensionUri),
    network,
    vscode.window.createTreeView("ascendnet.network", { treeDataProvider: network }),
    wallet,
    walletTree,
    // balances change without an event (payments by others): read them again whenever the view is shown
    walletTree.onDidChangeVisibility((e) => e.visible && void wallet.refresh()),
    ...registerWalletCommands(connection, wallet),
  ];
}
