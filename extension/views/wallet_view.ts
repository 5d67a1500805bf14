import * as vscode from "vscode";
import type { ChainStatus, WalletInfo } from "../../node-service/api/protocol.ts";
import type { WalletBalances } from "../../node-service/payments/status.ts";
import type { NodeConnection } from "../node/connection.ts";
import { shortAddress } from "../short.ts";
import { formatEther, formatUnits } from "../wei.ts";

export const WALLET_VIEW_ID = "ascendnet.wallet";
/** Context key the view sets for `when` clauses: the node's local-chain faucet can fund this wallet. */
export const FAUCET_CONTEXT_KEY = "ascendnet.faucetAvailable";
const LOCAL_CHAIN_ID = 31337;
const CHAIN_NAMES: Record<number, string> = { 1: "Ethereum", 11155111: "Sepolia", [LOCAL_CHAIN_ID]: "Local chain" };

export type WalletEntry =
  | { kind: "address"; address: string | null }
  | { kind: "chain"; chain: ChainStatus }
  | { kind: "eth"; wei: string }
  | { kind: "token"; address: string; balance: string; decimals: number | null; symbol: string | null }
  | { kind: "problem"; label: string; message: string };

function chainName(id: number | null): string {
  return id === null ? "Chain" : (CHAIN_NAMES[id] ?? `Chain ${id}`);
}

function chainItem(c: ChainStatus): vscode.TreeItem {
  const item = new vscode.TreeItem("", vscode.TreeItemCollapsibleState.None);
  const tip = [c.rpcUrl ? `RPC \`${c.rpcUrl}\`` : undefined, c.message].filter(Boolean);
  const warn = new vscode.ThemeColor("editorWarning.foreground");
  switch (c.state) {
    case "off":
      item.label = "No chain configured";
      item.description = "set ascendnet.chainRpc";
      item.iconPath = new vscode.ThemeIcon("circle-slash");
      break;
    case "connecting":
      item.label = "Connecting to the chain…";
      item.iconPath = new vscode.ThemeIcon("loading~spin");
      break;
    case "ready":
      item.label = `${chainName(c.chainId)} ${c.chainId} · ready`;
      item.description = c.contracts ? "contracts deployed" : "contracts not deployed";
      item.iconPath = new vscode.ThemeIcon("link", c.contracts ? new vscode.ThemeColor("charts.green") : warn);
      break;
    case "unavailable":
      item.label = "Chain unavailable";
      item.iconPath = new vscode.ThemeIcon("warning", warn);
      break;
    case "error":
      item.label = "Chain refused";
      item.iconPath = new vscode.ThemeIcon("error", new vscode.ThemeColor("errorForeground"));
      break;
  }
  item.tooltip = new vscode.MarkdownString([`**${item.label}**`, ...tip].join("\n\n"));
  return item;
}

function entryItem(e: WalletEntry): vscode.TreeItem {
  if (e.kind === "chain") return chainItem(e.chain);
  const item = new vscode.TreeItem("", vscode.TreeItemCollapsibleState.None);
  switch (e.kind) {
    case "address":
      item.label = e.address ? shortAddress(e.address) : "Wallet being created…";
      item.description = e.address ? "wallet" : undefined;
      item.tooltip = e.address ? new vscode.MarkdownString(`**Wallet address**\n\n\`${e.address}\``) : "The node creates its wallet on first start.";
      item.iconPath = new vscode.ThemeIcon(e.address ? "credit-card" : "loading~spin");
      item.contextValue = e.address ? "ascendnet.walletAddress" : undefined;
      break;
    case "eth":
      item.label = formatEther(e.wei);
      item.description = "balance";
      item.tooltip = `${e.wei} wei`;
      item.iconPath = new vscode.ThemeIcon("symbol-constant");
      break;
    case "token":
      // a token that does not tell its decimals is shown in whole base units, exactly
      item.label = e.decimals === null ? `${formatUnits(e.balance, 0)} ${e.symbol ?? "token"} units` : `${formatUnits(e.balance, e.decimals)} ${e.symbol ?? "tokens"}`;
      item.description = shortAddress(e.address);
      item.tooltip = new vscode.MarkdownString(`**Payment token balance**\n\n${e.balance} base units of \`${e.address}\``);
      item.iconPath = new vscode.ThemeIcon("symbol-constant");
      break;
    case "problem":
      item.label = e.label;
      item.tooltip = e.message;
      item.iconPath = new vscode.ThemeIcon("warning", new vscode.ThemeColor("editorWarning.foreground"));
      break;
  }
  item.accessibilityInformation = { label: [item.label, item.description].filter(Boolean).join(", ") };
  return item;
}

/** The entries the view shows for what the node said about its wallet. */
function walletEntries(info: WalletInfo): WalletEntry[] {
  const entries: WalletEntry[] = [{ kind: "address", address: info.address }, { kind: "chain", chain: info.chain }];
  if (info.balances) entries.push(...balanceEntries(info.balances));
  else if (info.balancesError) entries.push({ kind: "problem", label: "Balance unavailable", message: info.balancesError });
  return entries;
}

function balanceEntries(b: WalletBalances): WalletEntry[] {
  return [{ kind: "eth", wei: b.eth }, ...(b.token ? [{ kind: "token" as const, ...b.token }] : [])];
}

/**
 * The Wallet view: the node's wallet address, its chain and balances (GET /api/wallet), read again on
 * the node's `hello`, `wallet` and `chain` events, when the view is shown and on Refresh. Empty while
 * the node is down, so the welcome content shows.
 */
export class WalletView implements vscode.TreeDataProvider<WalletEntry>, vscode.Disposable {
  private info: WalletInfo | undefined;
  private failure: string | undefined;
  private generation = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly offs: Array<() => void>;
  private readonly connection: NodeConnection;

  constructor(connection: NodeConnection) {
    this.connection = connection;
    this.offs = [
      connection.onDidChangeState((s) => {
        if (s.kind === "connected") return;
        this.generation++; // a read still in flight answers for a node that is gone
        if (this.info || this.failure) this.show(undefined);
      }),
      connection.onEvent((e) => {
        // the new chain state at once; balances and the faucet follow from the read below
        if (e.type === "chain" && this.info) this.show({ address: this.info.address, chain: e.chain, balances: null, faucet: false });
        if (e.type === "hello" || e.type === "wallet" || e.type === "chain") void this.refresh();
      }),
    ];
  }

  /** What the view shows now (undefined while the node is down or not read yet). */
  get wallet(): WalletInfo | undefined {
    return this.info;
  }

  /** Reads the wallet from the node again; a later call wins over an earlier one still in flight. */
  async refresh(): Promise<void> {
    const api = this.connection.api;
    const generation = ++this.generation;
    if (!api) return this.show(undefined);
    try {
      const info = await api.call("wallet");
      if (generation === this.generation) this.show(info);
    } catch (err) {
      if (generation === this.generation && this.connection.api) this.show(this.info, err instanceof Error ? err.message : String(err));
    }
  }

  /** New balances (from the faucet) without another round trip. */
  setBalances(balances: WalletBalances): void {
    if (!this.info) return;
    const { balancesError: _, ...info } = this.info;
    this.show({ ...info, balances });
  }

  private show(info: WalletInfo | undefined, failure?: string): void {
    this.info = info;
    this.failure = failure;
    void vscode.commands.executeCommand("setContext", FAUCET_CONTEXT_KEY, info?.faucet === true);
    this.changed.fire();
  }

  getTreeItem(e: WalletEntry): vscode.TreeItem {
    const item = entryItem(e);
    item.id = e.kind === "problem" ? `problem:${e.label}` : e.kind;
    return item;
  }

  getChildren(): WalletEntry[] {
    const entries = this.info ? walletEntries(this.info) : [];
    if (this.failure) entries.push({ kind: "problem", label: "Could not read the wallet", message: this.failure });
    return entries;
  }

  dispose(): void {
    for (const off of this.offs) off();
    this.changed.dispose();
  }
}
