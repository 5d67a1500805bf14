import * as vscode from "vscode";
import { ApiError } from "./node/client.ts";
import type { NodeConnection } from "./node/connection.ts";
import { isListing, listingSummary, type GroupBy, type Listing } from "./listing.ts";
import { MARKETPLACE_VIEW_ID, type MarketEntry, type MarketplaceView } from "./views/marketplace_view.ts";
import { PromptDetailPanel } from "./webviews/prompt_detail_panel.ts";

/** typing pauses this long before the search asks the node */
const SEARCH_DEBOUNCE_MS = 150;
const SEARCH_LIMIT = 50;
/** SearchQuerySchema's bound on `text` */
const MAX_SEARCH_TEXT = 200;

function describe(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

interface ListingPick extends vscode.QuickPickItem {
  listing?: Listing;
}

function listingPick(l: Listing): ListingPick {
  const b = l.record.body;
  return {
    label: b.title,
    iconPath: new vscode.ThemeIcon("symbol-text"),
    description: listingSummary(l),
    detail: [b.model, ...b.tags.map((t) => `#${t}`)].join(" · "),
    // the node already matched the words; VS Code's own label filter would hide description matches
    alwaysShow: true,
    listing: l,
  };
}

/** Search Prompts: a QuickPick whose items are the node's answer to what is typed, newest first when empty. */
function searchPrompts(connection: NodeConnection, open: (l: Listing) => void): void {
  const qp = vscode.window.createQuickPick<ListingPick>();
  qp.title = "AscendNet: Search Prompts";
  qp.placeholder = "Words of a title, description or tag";
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;
  const message = (label: string, detail?: string): ListingPick[] => [{ label, detail, alwaysShow: true }];
  const run = async (value: string) => {
    const g = ++generation;
    const api = connection.api;
    if (!api) {
      qp.items = message("$(debug-disconnect) The AscendNet node is not connected");
      return;
    }
    qp.busy = true;
    const text = value.trim().slice(0, MAX_SEARCH_TEXT);
    try {
      const result = await api.call("listPrompts", text ? { text, limit: SEARCH_LIMIT } : { sort: "newest", limit: SEARCH_LIMIT });
      if (g !== generation) return; // a newer query is on its way: drop this stale answer
      const picks = result.items.filter(isListing).map(listingPick);
      qp.items = picks.length > 0 ? picks : message(text ? `No prompts match "${text}"` : "No prompts in the catalog yet");
    } catch (err) {
      if (g === generation) qp.items = message("$(warning) The search failed", describe(err));
    } finally {
      if (g === generation) qp.busy = false;
    }
  };
  qp.onDidChangeValue((v) => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(v), SEARCH_DEBOUNCE_MS);
  });
  qp.onDidAccept(() => {
    const listing = qp.selectedItems[0]?.listing;
    if (!listing) return;
    qp.hide();
    open(listing);
  });
  qp.onDidHide(() => {
    clearTimeout(timer);
    generation++;
    qp.dispose();
  });
  qp.show();
  void run("");
}

/** The Marketplace view's commands, Search Prompts and Open Prompt. */
export function registerMarketCommands(connection: NodeConnection, view: MarketplaceView, extensionUri: vscode.Uri): vscode.Disposable[] {
  const open = (l: Listing) => PromptDetailPanel.show(extensionUri, connection, l);
  return [
    vscode.commands.registerCommand("ascendnet.marketplace.refresh", () => vscode.window.withProgress({ location: { viewId: MARKETPLACE_VIEW_ID } }, () => view.refresh())),
    vscode.commands.registerCommand("ascendnet.marketplace.loadMore", () => vscode.window.withProgress({ location: { viewId: MARKETPLACE_VIEW_ID } }, () => view.loadMore())),
    vscode.commands.registerCommand("ascendnet.marketplace.groupBy", async () => {
      const current = view.groupBy;
      const choices: Array<vscode.QuickPickItem & { by: GroupBy }> = [
        { by: "tag", label: "$(tag) Group by Tag", description: current === "tag" ? "current" : undefined, detail: "A prompt with several tags is listed under each" },
        { by: "model", label: "$(hubot) Group by Model", description: current === "model" ? "current" : undefined, detail: "The model the prompt is written for" },
      ];
      const pick = await vscode.window.showQuickPick(choices, { title: "AscendNet: Group the Marketplace", placeHolder: "Group prompts by…" });
      if (pick) await view.setGroupBy(pick.by);
    }),
    vscode.commands.registerCommand("ascendnet.searchPrompts", () => searchPrompts(connection, open)),
    // from a tree item's click: the listing's id; from its context menu: the tree element; from the palette: nothing
    vscode.commands.registerCommand("ascendnet.openPrompt", async (arg?: string | MarketEntry) => {
      if (typeof arg === "object" && arg.kind === "listing") return open(arg.listing);
      if (typeof arg !== "string") return searchPrompts(connection, open);
      const id = arg;
      const known = view.find(id);
      if (known) return open(known);
      const api = connection.api;
      if (!api) return void vscode.window.showErrorMessage("AscendNet: could not open the prompt: the node is not connected.");
      try {
        const hit = await api.call("getPrompt", { id });
        if (isListing(hit)) open(hit);
      } catch (err) {
        void vscode.window.showErrorMessage(`AscendNet: could not open the prompt: ${describe(err)}`);
      }
    }),
  ];
}
