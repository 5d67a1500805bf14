import * as vscode from "vscode";

/** The activity-bar views. Each starts empty so VS Code shows its welcome content (package.json). */
export const VIEW_IDS = ["ascendnet.marketplace", "ascendnet.library", "ascendnet.computeJobs", "ascendnet.network"] as const;

class EmptyTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}

export function registerViews(): vscode.Disposable[] {
  return VIEW_IDS.map((id) => vscode.window.createTreeView(id, { treeDataProvider: new EmptyTree() }));
}
