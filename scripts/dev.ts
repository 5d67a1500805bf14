// `npm run dev`: the main job. Builds and packages the extension, starts a local chain with the
// contracts deployed (unless ASCENDNET_CHAIN_RPC points at another), starts a node-service on the
// default data directory connected to it (or reuses the one running there), then opens a real VS
// Code with the extension connected to it: the user's own `code` when it is on PATH, otherwise
// code-server in the browser. Ctrl-C stops what this command started and nothing else.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { isLockLive, readLock } from "../node-service/api/discovery.ts";
import { ensureCodeServer, freePort, installExtension, startCodeServer, type CodeServer } from "./code_server.ts";
import { startLocalChain, type HardhatNodeProcess } from "./local_chain.ts";
import { packageExtension } from "./package.ts";

const root = join(import.meta.dirname, "..");
const dataDir = process.env.ASCENDNET_DATA_DIR || join(homedir(), ".ascendnet");
const workspace = process.env.ASCENDNET_DEV_WORKSPACE || process.cwd();
const devDir = join(root, ".tools", "dev");

const say = (msg: string) => console.log(`[dev] ${msg}`);

function onPath(cmd: string): string | undefined {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, cmd))
    .find((p) => existsSync(p));
}

/** The keystore password for this data directory: ASCENDNET_PASSWORD, or a 0600 file made on first run. */
function passwordFile(): string {
  const file = join(dataDir, "password");
  if (process.env.ASCENDNET_PASSWORD) return "";
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(24).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
    say(`made a wallet password for this data directory in ${file} (mode 0600)`);
  }
  return file;
}

/** The chain the node uses: ASCENDNET_CHAIN_RPC as configured, or a fresh local chain with the contracts deployed. */
async function chainArgs(): Promise<string[]> {
  if (process.env.ASCENDNET_CHAIN_RPC) {
    say(`using the chain at ${process.env.ASCENDNET_CHAIN_RPC} (ASCENDNET_CHAIN_RPC)`);
    return [];
  }
  say("starting a local chain and deploying the contracts");
  const deploymentsDir = join(devDir, "deployments");
  const { chain, deployment } = await startLocalChain({ port: Number(process.env.ASCENDNET_DEV_CHAIN_PORT || 0) || undefined, deploymentsDir });
  started.chain = chain;
  say(`local chain ${deployment.chainId} at ${chain.url}: PromptMarketplace ${deployment.contracts.PromptMarketplace.address}, ComputeRental ${deployment.contracts.ComputeRental.address}`);
  return ["--chain-rpc", chain.url, "--deployments-dir", deploymentsDir];
}

async function startNode(): Promise<ChildProcess | undefined> {
  const lock = await readLock(dataDir);
  if (lock && (await isLockLive(lock))) {
    say(`a node is already running on ${dataDir} (pid ${lock.pid}); using it, with the chain it was started with`);
    return undefined;
  }
  const pwFile = passwordFile();
  const args = [join(root, "dist/node-service/cli.mjs"), "node", "start", "--data-dir", dataDir, ...(pwFile ? ["--password-file", pwFile] : []), ...(await chainArgs())];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the node exited with code ${child.exitCode}; see its output above`);
    const l = await readLock(dataDir);
    if (l && l.pid === child.pid && l.port !== 0) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the node did not start within 30 s");
}

const started: { node?: ChildProcess; codeServer?: CodeServer; chain?: HardhatNodeProcess } = {};
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say("stopping");
  await started.codeServer?.stop();
  if (started.node && started.node.exitCode === null) {
    started.node.kill("SIGTERM");
    await new Promise((r) => started.node!.once("exit", r));
  }
  await started.chain?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

try {
  say("building and packaging the extension");
  const vsix = await packageExtension();
  started.node = await startNode();
  const code = process.env.ASCENDNET_DEV_CODESERVER ? undefined : onPath("code");
  if (code) {
    say(`opening your VS Code (${code}) with the extension from ${root}`);
    spawnSync(code, ["--new-window", `--extensionDevelopmentPath=${root}`, workspace], { stdio: "inherit", env: { ...process.env, ASCENDNET_DATA_DIR: dataDir } });
    say("VS Code is open; the node keeps running here. Ctrl-C stops it.");
  } else {
    say("no `code` command here: bringing code-server (a real VS Code in the browser)");
    await ensureCodeServer();
    const extensionsDir = join(devDir, "extensions");
    mkdirSync(extensionsDir, { recursive: true });
    await installExtension(vsix, extensionsDir);
    const port = Number(process.env.ASCENDNET_DEV_PORT || 0) || (await freePort());
    started.codeServer = await startCodeServer({
      workspace,
      extensionsDir,
      userDataDir: join(devDir, "user-data"),
      port,
      env: { ASCENDNET_DATA_DIR: dataDir },
    });
    say(`VS Code is ready: open ${started.codeServer.url}?folder=${encodeURIComponent(workspace)} in your browser`);
    say("the AscendNet icon in the activity bar shows the node; Ctrl-C stops code-server and the node");
  }
  // Keep running until Ctrl-C (or until the node this command started exits on its own).
  if (started.node) started.node.once("exit", (c) => void stopAll(c ?? 1));
  else setInterval(() => undefined, 1 << 30);
} catch (err) {
  console.error(`[dev] ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(1);
}
