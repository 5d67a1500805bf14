import * as vscode from "vscode";

import type { NodeConnection } from "../node/connection.ts";
import { NetworkView } from "./network_view.ts";

/** Views whose content arrives with later capabilities: empty, so VS Code shows their welcome content. */
const EMPTY_VIEW_IDS = ["ascendnet.marketplace", "ascendnet.library", "ascendnet.computeJobs"] as const;

class EmptyTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}

export function registerViews(connection: NodeConnection): vscode.Disposable[] {
  const network = new NetworkView(connection);
  return [
    ...EMPTY_VIEW_IDS.map((id) => vscode.window.createTreeView(id, { treeDataProvider: new EmptyTree() })),
    network,
    vscode.window.createTreeView("ascendnet.network", { treeDataProvider: network }),
  ];
}
