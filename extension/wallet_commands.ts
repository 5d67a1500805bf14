import * as vscode from "vscode";
import { ApiError } from "./node/client.ts";
import type { NodeConnection } from "./node/connection.ts";
import { WALLET_VIEW_ID, type WalletEntry, type WalletView } from "./views/wallet_view.ts";
import { formatEther } from "./wei.ts";

function describe(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

/** Refresh, Copy Address and the local chain's faucet: the Wallet view's commands. */
export function registerWalletCommands(connection: NodeConnection, view: WalletView): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand("ascendnet.wallet.refresh", () => vscode.window.withProgress({ location: { viewId: WALLET_VIEW_ID } }, () => view.refresh())),
    vscode.commands.registerCommand("ascendnet.wallet.copyAddress", async (entry?: WalletEntry) => {
      const s = connection.state;
      const address = (entry?.kind === "address" && entry.address) || view.wallet?.address || (s.kind === "connected" ? s.health.wallet.address : null);
      if (!address) return void vscode.window.showWarningMessage("AscendNet: the node has no wallet address yet.");
      await vscode.env.clipboard.writeText(address);
      void vscode.window.showInformationMessage(`AscendNet: copied the wallet address ${address}.`);
    }),
    vscode.commands.registerCommand("ascendnet.wallet.faucet", async () => {
      const api = connection.api;
      if (!api) return void vscode.window.showErrorMessage("AscendNet: could not get test ETH: the node is not connected.");
      try {
        const balances = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: "AscendNet: getting test ETH from the local chain…" },
          () => api.call("walletFaucet"),
        );
        view.setBalances(balances);
        void vscode.window.showInformationMessage(`AscendNet: the wallet now holds ${formatEther(balances.eth)}.`);
      } catch (err) {
        void vscode.window.showErrorMessage(`AscendNet: could not get test ETH: ${describe(err)}`);
      }
    }),
  ];
}
