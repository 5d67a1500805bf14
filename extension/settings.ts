import { homedir } from "node:os";
import { join } from "node:path";
import * as vscode from "vscode";

/** The extension's settings (`ascendnet.*`), read fresh each time so changes apply without reload. */
export function readSettings() {
  const c = vscode.workspace.getConfiguration("ascendnet");
  const dataDir = c.get<string>("dataDir", "").trim() || process.env.ASCENDNET_DATA_DIR || join(homedir(), ".ascendnet");
  const args: string[] = [];
  const chainRpc = c.get<string>("chainRpc", "").trim();
  const ipfsApi = c.get<string>("ipfsApi", "").trim();
  if (chainRpc) args.push("--chain-rpc", chainRpc);
  if (ipfsApi) args.push("--ipfs-api", ipfsApi);
  args.push("--log-level", c.get<string>("logLevel", "info"));
  return { dataDir, autoStart: c.get<boolean>("autoStartNode", true), nodeArgs: args };
}
