// A local development chain: a real `hardhat node` process on loopback, with the marketplace's
// contracts compiled and deployed by Hardhat's first development account. `npm run dev` runs one for
// the node it starts; the payments tests and the devnet use the same process wrapper.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { HDNodeWallet, JsonRpcProvider, Mnemonic } from "ethers";
import { deployAll, writeDeployment, type Deployment } from "../node-service/payments/index.ts";
import { freePort } from "./code_server.ts";

const ROOT = join(import.meta.dirname, "..");
const HARDHAT = realpathSync(join(ROOT, "node_modules/.bin/hardhat"));
/** Hardhat's public development mnemonic: its accounts are funded on every local chain. */
const DEV_MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");

export function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(DEV_MNEMONIC, `m/44'/60'/0'/0/${index}`);
}

export class HardhatNodeProcess {
  readonly url: string;
  private readonly child: ChildProcess;
  private output = "";
  private readonly exited: Promise<void>;

  private constructor(port: number) {
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.on("data", (d) => (this.output += d));
    this.child.stderr?.on("data", (d) => (this.output += d));
    this.exited = new Promise((resolveExit) => this.child.once("exit", () => resolveExit()));
  }

  /** Starts the node (on a free port unless one is given) and resolves once its JSON-RPC server listens. */
  static async start(port?: number): Promise<HardhatNodeProcess> {
    const node = new HardhatNodeProcess(port ?? (await freePort()));
    await new Promise<void>((resolveReady, rejectReady) => {
      const timer = setTimeout(() => rejectReady(new Error(`hardhat node did not start within 30 s:\n${node.output}`)), 30_000);
      const onData = () => {
        if (!node.output.includes("JSON-RPC server at")) return;
        clearTimeout(timer);
        node.child.stdout?.off("data", onData);
        resolveReady();
      };
      node.child.stdout?.on("data", onData);
      node.child.once("exit", () => {
        clearTimeout(timer);
        rejectReady(new Error(`hardhat node exited before it started:\n${node.output}`));
      });
    });
    return node;
  }

  /** Freezes the process: the port still accepts connections but nothing answers. */
  pause(): void {
    this.child.kill("SIGSTOP");
  }

  resume(): void {
    this.child.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill("SIGCONT");
    this.child.kill("SIGTERM");
    await this.exited;
  }
}


/** Compiles the contracts (Hardhat caches: a no-op when nothing changed). */
export function compileContracts(): void {
  const r = spawnSync(process.execPath, [HARDHAT, "build", "--quiet"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`compiling the contracts failed (exit ${r.status ?? r.signal})`);
}

/**
 * A fresh local chain with both contracts deployed and `deployments/<chainId>.json` written to
 * `deploymentsDir`. The chain lives in memory: every start is a new chain, and the same deployer
 * and nonces give the same addresses every time.
 */
export async function startLocalChain(opts: { port?: number; deploymentsDir: string }): Promise<{ chain: HardhatNodeProcess; deployment: Deployment }> {
  compileContracts();
  const chain = await HardhatNodeProcess.start(opts.port);
  try {
    const provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, pollingInterval: 250, cacheTimeout: -1 });
    const deployment = await deployAll(devWallet(0).connect(provider));
    provider.destroy();
    await writeDeployment(opts.deploymentsDir, deployment);
    return { chain, deployment };
  } catch (err) {
    await chain.stop();
    throw err;
  }
}
