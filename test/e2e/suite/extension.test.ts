// Runs inside VS Code (code-server), in the same extension host as the AscendNet extension that was
// installed from the packaged .vsix. Asserts what a user sees and relies on.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vscode from "vscode";
import type { AscendNetApi } from "../../../extension/extension.ts";
import type { ConnectionState } from "../../../extension/node/connection.ts";
import { promptBody } from "../../helpers/listings.ts";
import { log, pageStep } from "./page.ts";

const EXTENSION_ID = "ascendnet.ascendnet";
const dataDir = () => {
  const d = process.env.ASCENDNET_DATA_DIR;
  if (!d) throw new Error("the harness must set ASCENDNET_DATA_DIR to a fresh folder");
  return d;
};
const readLockFile = () => JSON.parse(readFileSync(join(dataDir(), "node.lock"), "utf8")) as { pid: number; port: number; token: string };
const connected = (s: ConnectionState) => s.kind === "connected";

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))]);
}

describe("AscendNet extension in VS Code", function () {
  this.timeout(60_000);
  let api: AscendNetApi;

  it("is installed from the package and activates lazily, on first use", async () => {
    const ext = vscode.extensions.getExtension<AscendNetApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    assert.match(ext.extensionPath, /extensions[/\\]ascendnet\.ascendnet-/, "the copy under test is the installed .vsix");
    assert.equal(ext.isActive, false, "nothing activated it before it was used");
    const t0 = performance.now();
    api = await ext.activate();
    const activateMs = performance.now() - t0;
    log(`ACTIVATION ${JSON.stringify({ activate_ms: Math.round(activateMs * 10) / 10, inner_ms: Math.round(api.activationMs * 10) / 10 })}`);
    assert.ok(ext.isActive);
  });

  it("spawns its node and shows it connected in the status bar", async () => {
    const state = await withTimeout(api.waitForState(connected), 30_000, "connecting to the node");
    assert.equal(state.kind, "connected");
    const lock = readLockFile();
    const health = (await (await fetch(`http://127.0.0.1:${lock.port}/api/health`, { headers: { authorization: `Bearer ${lock.token}` } })).json()) as {
      pid: number;
      peerId: string;
    };
    assert.equal(state.kind === "connected" && state.health.peerId, health.peerId, "the extension talks to the node of the lock file");
    const walletReady = await withTimeout(api.waitForState((s) => s.kind === "connected" && s.health.wallet.state === "ready"), 30_000, "the wallet");
    const address = walletReady.kind === "connected" ? walletReady.health.wallet.address! : "";
    const text = await pageStep<string>("statusBarText", "AscendNet · 0 peers · 0x");
    log(`status bar: ${text}`);
    assert.match(text, /AscendNet · 0 peers · /);
    assert.ok(text.includes(`${address.slice(0, 6)}…${address.slice(-4)}`), `status bar shows the wallet ${address}`);
  });

  it("contributes its commands under the AscendNet category", async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ["ascendnet.showNodeStatus", "ascendnet.restartNode", "ascendnet.openLogs", "ascendnet.openNodeDashboard", "ascendnet.setWalletPassword", "ascendnet.wallet.refresh", "ascendnet.wallet.copyAddress", "ascendnet.wallet.faucet", "ascendnet.searchPrompts", "ascendnet.openPrompt", "ascendnet.marketplace.refresh", "ascendnet.marketplace.groupBy"]) {
      assert.ok(all.includes(id), id);
    }
  });

  it("shows its views with welcome content in the activity bar", async () => {
    const text = await pageStep<string>("openAscendNetViews");
    for (const view of ["Marketplace", "My Library", "Compute Jobs", "Network", "Wallet"]) assert.ok(text.toUpperCase().includes(view.toUpperCase()), `${view} view`);
    assert.match(text, /No prompts in the catalog yet/);
  });

  it("shows the wallet's address and its chain in the Wallet view", async () => {
    const s = api.state();
    assert.ok(s.kind === "connected" && s.health.wallet.address);
    const address = s.health.wallet.address;
    // the e2e node runs without a chain
    const text = await pageStep<string>("walletViewText", "No chain configured");
    log(`wallet view: ${text.replace(/\s+/g, " ")}`);
    assert.ok(text.includes(`${address.slice(0, 6)}…${address.slice(-4)}`), `the Wallet view shows ${address}`);
    assert.doesNotMatch(text, /ETH/, "no balances without a chain");
  });

  it("lists published prompts in the Marketplace by tag, finds one with Search Prompts and opens its detail panel, which follows the listing", async () => {
    const lock = readLockFile();
    const publish = async (name: string, body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${lock.port}/api/catalog/records`, {
        method: "POST",
        headers: { authorization: `Bearer ${lock.token}`, "content-type": "application/json" },
        body: JSON.stringify(body === null ? { kind: "prompt", name, deleted: true } : { kind: "prompt", name, body }),
      });
      assert.equal(res.status, 200, `publishing ${name}: ${await res.text()}`);
    };
    await publish("refactor", promptBody(1, { title: "Refactor legacy callbacks", tags: ["refactoring"], price: "2500000000000000" }));
    await publish("tests", promptBody(2, { title: "Write table-driven tests", tags: ["testing"], price: "1000000000000000" }));

    // both arrive as catalog events; the view reads the catalog once they stop coming
    const rows = await pageStep<Array<{ level: number; label: string; description: string }>>("marketplaceRows", "Write table-driven tests");
    log(`marketplace: ${JSON.stringify(rows)}`);
    const under = (title: string) => {
      const i = rows.findIndex((r) => r.label === title);
      assert.ok(i > 0, `${title} is listed`);
      assert.equal(rows[i]!.level, 2, `${title} is inside a group`);
      return { row: rows[i]!, group: rows.slice(0, i).findLast((r) => r.level === 1)! };
    };
    const refactor = under("Refactor legacy callbacks");
    assert.deepEqual(refactor.group, { level: 1, label: "refactoring", description: "1 prompt" });
    assert.equal(refactor.row.description, "0.0025 ETH · No ratings yet");
    const tests = under("Write table-driven tests");
    assert.equal(tests.group.label, "testing");
    assert.equal(tests.row.description, "0.001 ETH · No ratings yet");

    // not awaited: the command resolves once the quick pick is open, the page step types into it
    void vscode.commands.executeCommand("ascendnet.searchPrompts");
    // the list first shows the newest listings, then the node's answer to "table"
    const shown = await pageStep<string[]>("quickPick", { text: "table", pick: "Write table-driven tests", gone: "Refactor legacy callbacks" });
    log(`search: ${JSON.stringify(shown)}`);
    assert.equal(shown.length, 1, "only the listing that says 'table' is found");
    assert.match(shown[0]!, /Write table-driven tests.*0\.001 ETH · No ratings yet.*gpt-5 · #testing/);

    const detail = await pageStep<string>("webviewText", "marketplace fee");
    log(`detail panel: ${detail.replace(/\s+/g, " ")}`);
    assert.match(detail, /Write table-driven tests/);
    assert.match(detail, /You pay 0\.001 ETH/);
    assert.match(detail, /of which marketplace fee \(3%\): 0\.00003 ETH · seller receives: 0\.00097 ETH/);
    assert.match(detail, /Summarise \$\{selection\} in three bullet points\./, "the public preview");
    await pageStep("screenshot", "vscode-e2e-marketplace");

    // the seller changes the listing, then withdraws it: the open panel follows
    await publish("tests", promptBody(2, { title: "Write table-driven tests, v2", tags: ["testing"], price: "2000000000000000" }));
    const updated = await pageStep<string>("webviewText", "Updated by the seller");
    assert.match(updated, /Write table-driven tests, v2/);
    assert.match(updated, /You pay 0\.002 ETH/);
    await publish("tests", null);
    assert.match(await pageStep<string>("webviewText", "withdrawn"), /The seller has withdrawn this listing/);
    await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
  });

  it("lists a peer that joins in the Network view, live", async () => {
    const lock = readLockFile();
    const self = (await (await fetch(`http://127.0.0.1:${lock.port}/api/network/peers`, { headers: { authorization: `Bearer ${lock.token}` } })).json()) as {
      addresses: string[];
    };
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const peerDir = mkdtempSync(join(tmpdir(), "ascendnet-e2e-peer-"));
    // a second node, started the way an operator would, joining through this editor's node
    const peer = spawn(process.execPath, [join(ext.extensionPath, "dist/node-service/cli.mjs"), "node", "start", "--data-dir", peerDir, "--password-stdin", "--bootstrap", self.addresses[0]!], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", ASCENDNET_P2P_HOST: "127.0.0.1", ASCENDNET_MDNS: "false" },
      stdio: ["pipe", "ignore", "ignore"],
    });
    peer.stdin.end("peer-password-123\n");
    try {
      const text = await pageStep<string>("networkViewText", "12D3KooW");
      log(`network view: ${text.replace(/\s+/g, " ")}`);
      assert.match(text, /12D3KooW.{0,3}…/, "the peer's short id is listed");
      assert.match(text, /ascendnet\/0\.1\.0/, "with its agent version");
      assert.match(await pageStep<string>("statusBarText", "AscendNet · 1 peer · "), /AscendNet · 1 peer · /, "the status bar counts it");
    } finally {
      peer.kill("SIGTERM");
      await new Promise((r) => peer.once("exit", r));
      rmSync(peerDir, { recursive: true, force: true });
    }
  });

  it("opens the node dashboard webview", async () => {
    await vscode.commands.executeCommand("ascendnet.openNodeDashboard");
    const body = await pageStep<string>("webviewText", "Connected");
    const s = api.state();
    assert.ok(s.kind === "connected");
    assert.match(body, /Connected · 0 peers/);
    assert.ok(body.includes(s.health.peerId), "the dashboard shows the PeerId");
  });

  it("restarts the node on command, keeping its identity", async () => {
    const before = api.state();
    assert.ok(before.kind === "connected");
    await vscode.commands.executeCommand("ascendnet.restartNode");
    const after = await withTimeout(api.waitForState((s) => connected(s) && s.kind === "connected" && s.health.pid !== before.health.pid), 30_000, "restart");
    assert.ok(after.kind === "connected");
    assert.equal(after.health.peerId, before.health.peerId);
    assert.equal(readLockFile().pid, after.health.pid);
  });

  it("brings the node back when it is killed", async () => {
    const before = api.state();
    assert.ok(before.kind === "connected");
    process.kill(before.health.pid, "SIGKILL");
    await withTimeout(api.waitForState((s) => s.kind !== "connected"), 10_000, "noticing the node died");
    const after = await withTimeout(api.waitForState((s) => s.kind === "connected" && s.health.pid !== before.health.pid), 30_000, "respawn");
    assert.ok(after.kind === "connected");
    assert.equal(after.health.peerId, before.health.peerId);
    const text = await pageStep<string>("statusBarText", "AscendNet · 0 peers");
    assert.match(text, /AscendNet · 0 peers/);
  });
});
