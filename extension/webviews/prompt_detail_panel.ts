import * as vscode from "vscode";
import { isFromPromptDetail, type ToPromptDetail } from "../../webviews/protocol.ts";
import { isListing, promptDetail, type Listing } from "../listing.ts";
import { ApiError } from "../node/client.ts";
import type { NodeConnection } from "../node/connection.ts";
import { webviewHtml } from "./html.ts";

/** a burst of ratings for the listing is one read */
const RELOAD_DEBOUNCE_MS = 300;

/**
 * One panel per listing: its title, description, public preview, price with the marketplace fee,
 * seller, model, tags, license and rating. Follows the node's `catalog` events: a newer version of
 * the listing replaces the one shown (the panel says so), a delisting is announced, new ratings are
 * read again.
 */
export class PromptDetailPanel {
  private static readonly open = new Map<string, PromptDetailPanel>();
  private readonly panel: vscode.WebviewPanel;
  private readonly connection: NodeConnection;
  private listing: Listing;
  private delisted = false;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: Array<() => void> = [];

  static show(extensionUri: vscode.Uri, connection: NodeConnection, listing: Listing): void {
    const existing = PromptDetailPanel.open.get(listing.record.id);
    if (existing) {
      if (listing.record.version > existing.listing.record.version) existing.update(listing);
      return existing.panel.reveal();
    }
    PromptDetailPanel.open.set(listing.record.id, new PromptDetailPanel(extensionUri, connection, listing));
  }

  private constructor(extensionUri: vscode.Uri, connection: NodeConnection, listing: Listing) {
    this.connection = connection;
    this.listing = listing;
    this.panel = vscode.window.createWebviewPanel("ascendnet.promptDetail", listing.record.body.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webviews")],
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, "prompt-detail", "AscendNet Prompt");
    const id = listing.record.id;
    this.disposables.push(
      connection.onEvent((e) => {
        if (e.type === "hello") this.reloadSoon();
        if (e.type !== "catalog") return;
        if (e.kind === "prompt" && e.id === id) {
          if (e.action === "deleted") this.markDelisted();
          else if (e.version > this.listing.record.version) this.reloadSoon();
        }
        if (e.kind === "rating" && !this.delisted) this.reloadSoon();
      }),
    );
    const sub = this.panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isFromPromptDetail(m)) return;
      if (m.type === "ready") {
        this.send({ type: "listing", listing: promptDetail(this.listing), updated: false });
        if (this.delisted) this.send({ type: "delisted" });
        return;
      }
      const owner = this.listing.record.owner;
      const [what, value] = m.command === "copySellerPeerId" ? ["PeerId", owner.peerId] : ["wallet address", owner.wallet];
      void vscode.env.clipboard.writeText(value).then(() => vscode.window.showInformationMessage(`AscendNet: copied the seller's ${what} ${value}.`));
    });
    this.panel.onDidDispose(() => {
      sub.dispose();
      clearTimeout(this.timer);
      this.generation++;
      for (const d of this.disposables) d();
      PromptDetailPanel.open.delete(id);
    });
  }

  private send(m: ToPromptDetail): void {
    void this.panel.webview.postMessage(m);
  }

  private update(listing: Listing): void {
    const updated = listing.record.version > this.listing.record.version;
    this.listing = listing;
    this.delisted = false;
    this.panel.title = listing.record.body.title;
    this.send({ type: "listing", listing: promptDetail(listing), updated });
  }

  private markDelisted(): void {
    this.delisted = true;
    this.generation++; // a read in flight would show the listing again
    this.send({ type: "delisted" });
  }

  private reloadSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), RELOAD_DEBOUNCE_MS);
  }

  /** Reads the listing again (GET /api/prompts/get); the latest read wins. */
  private async reload(): Promise<void> {
    const api = this.connection.api;
    if (!api) return;
    const generation = ++this.generation;
    try {
      const hit = await api.call("getPrompt", { id: this.listing.record.id });
      if (generation === this.generation && isListing(hit)) this.update(hit);
    } catch (err) {
      if (generation !== this.generation) return;
      if (err instanceof ApiError && err.code === "NOT_FOUND") this.markDelisted();
      // otherwise the panel keeps what it shows; the connection reports its own failures
    }
  }
}
