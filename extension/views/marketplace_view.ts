import * as vscode from "vscode";
import { MAX_SEARCH_LIMIT } from "../../node-service/api/protocol.ts";
import { groupListings, listingSummary, readListings, type GroupBy, type Listing, type ListingGroup } from "../listing.ts";
import type { NodeConnection } from "../node/connection.ts";
import { shortAddress, shortPeerId } from "../short.ts";

export const MARKETPLACE_VIEW_ID = "ascendnet.marketplace";
const GROUP_BY_KEY = "ascendnet.marketplace.groupBy";
/** listings fetched per refresh, and added by each "Load more…" */
export const PAGE_SIZE = 200;
/** a burst of catalog records (a catch-up brings thousands) is one read */
const REFRESH_DEBOUNCE_MS = 300;

export type MarketEntry =
  | { kind: "group"; group: ListingGroup; by: GroupBy }
  | { kind: "listing"; listing: Listing; group: string }
  | { kind: "more"; shown: number; total: number }
  | { kind: "problem"; message: string };

function listingItem(l: Listing, group: string): vscode.TreeItem {
  const b = l.record.body;
  const item = new vscode.TreeItem(b.title, vscode.TreeItemCollapsibleState.None);
  // a listing with two tags sits in two groups: ids must differ
  item.id = `${group}/${l.record.id}`;
  item.description = listingSummary(l);
  item.iconPath = new vscode.ThemeIcon("symbol-text");
  // peers write these fields: appendText escapes them, so no link, image or command comes from a listing
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown("**").appendText(b.title).appendMarkdown("**\n\n");
  if (b.description) tip.appendText(b.description).appendMarkdown("\n\n");
  tip.appendMarkdown("Model: ").appendText(b.model).appendMarkdown("  \nTags: ").appendText(b.tags.join(", ") || "none");
  tip.appendMarkdown("  \nPrice: ").appendText(item.description);
  tip.appendMarkdown(`  \nSeller: \`${shortPeerId(l.record.owner.peerId)}\` · wallet \`${shortAddress(l.record.owner.wallet)}\``);
  tip.appendMarkdown("  \nLicense: ").appendText(b.license);
  item.tooltip = tip;
  item.contextValue = "ascendnet.promptListing";
  item.command = { command: "ascendnet.openPrompt", title: "Open Prompt", arguments: [l.record.id] };
  item.accessibilityInformation = { label: `prompt ${b.title}, ${item.description}, model ${b.model}` };
  return item;
}

function entryItem(e: MarketEntry): vscode.TreeItem {
  switch (e.kind) {
    case "listing":
      return listingItem(e.listing, e.group);
    case "group": {
      const item = new vscode.TreeItem(e.group.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${e.by}:${e.group.name}`;
      const n = e.group.listings.length;
      item.description = `${n} prompt${n === 1 ? "" : "s"}`;
      item.iconPath = new vscode.ThemeIcon(e.by === "tag" ? "tag" : "hubot");
      item.contextValue = "ascendnet.promptGroup";
      item.accessibilityInformation = { label: `${e.by} ${e.group.name}, ${item.description}` };
      return item;
    }
    case "more": {
      const item = new vscode.TreeItem("Load more…", vscode.TreeItemCollapsibleState.None);
      item.id = "more";
      item.description = `${e.shown} of ${e.total} shown`;
      item.iconPath = new vscode.ThemeIcon("more");
      item.command = { command: "ascendnet.marketplace.loadMore", title: "Load More Prompts" };
      item.accessibilityInformation = { label: `Load more prompts, ${item.description}` };
      return item;
    }
    case "problem": {
      const item = new vscode.TreeItem("Could not read the catalog", vscode.TreeItemCollapsibleState.None);
      item.id = "problem";
      item.tooltip = e.message;
      item.iconPath = new vscode.ThemeIcon("warning", new vscode.ThemeColor("editorWarning.foreground"));
      item.accessibilityInformation = { label: `Could not read the catalog: ${e.message}` };
      return item;
    }
  }
}

/**
 * The Marketplace view: the catalog's prompt listings (GET /api/prompts/list, newest first), grouped
 * by tag or by model. Read again on the node's `hello`, on `catalog` events for prompts and ratings
 * (debounced) and on Refresh; empty while the node is down, so the welcome content shows.
 */
export class MarketplaceView implements vscode.TreeDataProvider<MarketEntry>, vscode.Disposable {
  private listings: Listing[] = [];
  private total = 0;
  private failure: string | undefined;
  /** how many listings a refresh reads: PAGE_SIZE, and PAGE_SIZE more with every Load more */
  private wanted = PAGE_SIZE;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<MarketEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly offs: Array<() => void>;
  private readonly connection: NodeConnection;
  private readonly memento: vscode.Memento;

  constructor(connection: NodeConnection, memento: vscode.Memento) {
    this.connection = connection;
    this.memento = memento;
    this.offs = [
      connection.onDidChangeState((s) => {
        if (s.kind === "connected") return;
        this.generation++; // a read in flight answers for a node that is gone
        clearTimeout(this.timer);
        this.show([], 0);
      }),
      connection.onEvent((e) => {
        if (e.type === "hello") void this.refresh();
        if (e.type === "catalog" && (e.kind === "prompt" || e.kind === "rating")) this.refreshSoon();
      }),
    ];
  }

  get groupBy(): GroupBy {
    return this.memento.get<GroupBy>(GROUP_BY_KEY) === "model" ? "model" : "tag";
  }

  async setGroupBy(by: GroupBy): Promise<void> {
    await this.memento.update(GROUP_BY_KEY, by);
    this.changed.fire(undefined);
  }

  /** The listing `id` if the view holds it (the detail panel opens at once with it). */
  find(id: string): Listing | undefined {
    return this.listings.find((l) => l.record.id === id);
  }

  /** Reads the next PAGE_SIZE listings too. */
  loadMore(): Promise<void> {
    this.wanted = Math.max(this.wanted, this.listings.length) + PAGE_SIZE;
    return this.refresh();
  }

  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  /** Reads the catalog again; a later call wins over an earlier one still in flight. */
  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    const api = this.connection.api;
    const generation = ++this.generation;
    if (!api) return this.show([], 0);
    try {
      const read = await readListings((q) => api.call("listPrompts", q), this.wanted, MAX_SEARCH_LIMIT, () => generation !== this.generation);
      if (!read) return; // a newer refresh is on its way
      const { listings, total } = read;
      this.show(listings, total);
    } catch (err) {
      if (generation === this.generation && this.connection.api) this.show(this.listings, this.total, err instanceof Error ? err.message : String(err));
    }
  }

  private show(listings: Listing[], total: number, failure?: string): void {
    this.listings = listings;
    this.total = total;
    this.failure = failure;
    this.changed.fire(undefined);
  }

  getTreeItem(e: MarketEntry): vscode.TreeItem {
    return entryItem(e);
  }

  getChildren(parent?: MarketEntry): MarketEntry[] {
    if (parent) return parent.kind === "group" ? parent.group.listings.map((listing) => ({ kind: "listing", listing, group: `${parent.by}:${parent.group.name}` })) : [];
    const by = this.groupBy;
    const entries: MarketEntry[] = groupListings(this.listings, by).map((group) => ({ kind: "group", group, by }));
    if (this.total > this.listings.length) entries.push({ kind: "more", shown: this.listings.length, total: this.total });
    if (this.failure) entries.push({ kind: "problem", message: this.failure });
    return entries;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const off of this.offs) off();
    this.changed.dispose();
  }
}
