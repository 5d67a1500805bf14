/**
 * The node's connection to its chain, kept alive: connect when the wallet is ready, load the
 * contract deployment for the chain served, watch that the RPC still answers, and reconnect with
 * backoff when it does not. Everything the API and the extension show about money comes from here.
 */
import { formatEther, getAddress, toQuantity, type HDNodeWallet, type Wallet } from "ethers";
import { join } from "node:path";
import { AscendError, errorMessage } from "../utils/errors.ts";
import type { Logger } from "../utils/logger.ts";
import { Chain } from "./chain.ts";
import { ComputeEscrow, Marketplace } from "./contracts.ts";
import { readDeployment, type Deployment } from "./deployment.ts";
import type { ChainStatus, WalletBalances } from "./status.ts";

export interface PaymentsOptions {
  rpcUrl: string | undefined;
  /** the chain the RPC must serve; unset: any */
  chainId: number | undefined;
  deploymentsDir: string;
  paymentToken: string | undefined;
  log: Logger;
  onStatus: (status: ChainStatus) => void;
}

/** Hardhat's and Anvil's chain id: the only chain the faucet works on. */
export const LOCAL_CHAIN_ID = 31337;
const FAUCET_WEI = 10n * 10n ** 18n;
const HEALTH_CHECK_MS = 10_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** The folder of deployments shipped with the program: `<root>/deployments` beside `dist/` and `node-service/`. */
export const DEFAULT_DEPLOYMENTS_DIR = join(import.meta.dirname, "..", "..", "deployments");

export class PaymentsService {
  private readonly opts: PaymentsOptions;
  private statusValue: ChainStatus;
  private chainValue: Chain | undefined;
  private deployment: Deployment | undefined;
  private wallet: Wallet | HDNodeWallet | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  private tokenInfo: { decimals: number | null; symbol: string | null } | undefined;
  private stopped = false;

  constructor(opts: PaymentsOptions) {
    this.opts = opts;
    this.statusValue = { state: "off", chainId: null, rpcUrl: opts.rpcUrl ?? null, contracts: false, ...(opts.rpcUrl ? {} : { message: "no chain configured (--chain-rpc)" }) };
  }

  get status(): ChainStatus {
    return this.statusValue;
  }

  /** Connects with the node's wallet (once it is unlocked); without a configured RPC the chain stays off. */
  start(wallet: Wallet | HDNodeWallet): void {
    if (!this.opts.rpcUrl || this.stopped) return;
    this.wallet = wallet;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.chainValue?.close();
    this.chainValue = undefined;
  }

  /** The connected chain and contracts; UNAVAILABLE with the reason otherwise. */
  contracts(): { chain: Chain; marketplace: Marketplace; rental: ComputeEscrow; deployment: Deployment } {
    const chain = this.requireChain();
    if (!this.deployment) throw new AscendError("UNAVAILABLE", this.statusValue.message ?? `no contracts on chain ${chain.chainId}`);
    return {
      chain,
      deployment: this.deployment,
      marketplace: new Marketplace(chain, this.deployment.contracts.PromptMarketplace),
      rental: new ComputeEscrow(chain, this.deployment.contracts.ComputeRental),
    };
  }

  async balances(): Promise<WalletBalances> {
    const chain = this.requireChain();
    try {
      const eth = await chain.balance();
      const token = this.opts.paymentToken;
      if (!token) return { eth: eth.toString() };
      this.tokenInfo ??= await chain.tokenInfo(token);
      return { eth: eth.toString(), token: { address: getAddress(token), balance: (await chain.tokenBalance(token)).toString(), ...this.tokenInfo } };
    } catch (err) {
      this.noteFailure(err);
      throw err;
    }
  }

  /** True when the faucet can fund this wallet: a local development chain on this machine. */
  get faucetAvailable(): boolean {
    return this.statusValue.state === "ready" && this.statusValue.chainId === LOCAL_CHAIN_ID && isLoopbackUrl(this.opts.rpcUrl);
  }

  /** Adds 10 ETH to the wallet on the local development chain; refused anywhere else. */
  async faucet(): Promise<WalletBalances> {
    if (!this.faucetAvailable) {
      throw new AscendError("FORBIDDEN", `the faucet works only on the local development chain (chain ${LOCAL_CHAIN_ID} on 127.0.0.1); this node's chain is ${this.statusValue.chainId ?? this.statusValue.state}`);
    }
    const chain = this.requireChain();
    const current = await chain.balance();
    await chain.read("funding the wallet", () => chain.provider.send("hardhat_setBalance", [chain.address, toQuantity(current + FAUCET_WEI)]));
    this.opts.log.info({ module: "payments", address: chain.address }, `faucet: added ${formatEther(FAUCET_WEI)} ETH on the local chain`);
    return this.balances();
  }

  private requireChain(): Chain {
    if (!this.chainValue || this.statusValue.state !== "ready") {
      throw new AscendError("UNAVAILABLE", `the chain is ${this.statusValue.state}${this.statusValue.message ? `: ${this.statusValue.message}` : ""}`);
    }
    return this.chainValue;
  }

  private async connect(): Promise<void> {
    const rpcUrl = this.opts.rpcUrl!;
    this.setStatus({ state: "connecting", chainId: null, rpcUrl, contracts: false });
    try {
      const chainId = this.opts.chainId ?? (await Chain.probeChainId(rpcUrl));
      const chain = await Chain.connect({ rpcUrl, expectedChainId: chainId, wallet: this.wallet });
      if (this.stopped) return chain.close();
      let message: string | undefined;
      try {
        this.deployment = await readDeployment(this.opts.deploymentsDir, chainId);
      } catch (err) {
        this.deployment = undefined;
        message = errorMessage(err);
      }
      this.chainValue = chain;
      this.retryMs = RETRY_MIN_MS;
      this.setStatus({ state: "ready", chainId, rpcUrl, contracts: this.deployment !== undefined, ...(message ? { message } : {}) });
      this.schedule(HEALTH_CHECK_MS, () => this.check());
    } catch (err) {
      this.noteFailure(err);
    }
  }

  private async check(): Promise<void> {
    const health = await this.chainValue?.health();
    if (health && !health.available) this.noteFailure(new AscendError("UNAVAILABLE", health.reason));
    else this.schedule(HEALTH_CHECK_MS, () => this.check());
  }

  /** A failed connect or read: say why, drop the connection and try again later (with backoff). */
  private noteFailure(err: unknown): void {
    if (this.stopped) return;
    const unavailable = !(err instanceof AscendError) || err.code === "UNAVAILABLE";
    // a refused call or a bad argument is the caller's business; only a chain that is gone or wrong changes the state
    if (err instanceof AscendError && !["UNAVAILABLE", "CONFIG"].includes(err.code)) return;
    this.chainValue?.close();
    this.chainValue = undefined;
    this.setStatus({ state: unavailable ? "unavailable" : "error", chainId: this.opts.chainId ?? null, rpcUrl: this.opts.rpcUrl ?? null, contracts: false, message: errorMessage(err) });
    this.schedule(this.retryMs, () => this.connect());
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private schedule(ms: number, fn: () => Promise<void>): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void fn(), ms);
    this.timer.unref();
  }

  private setStatus(status: ChainStatus): void {
    const changed = JSON.stringify(status) !== JSON.stringify(this.statusValue);
    this.statusValue = status;
    if (!changed) return;
    const level = status.state === "unavailable" || status.state === "error" ? "warn" : "info";
    this.opts.log[level]({ module: "payments", state: status.state, chainId: status.chainId }, `chain ${status.state}${status.message ? `: ${status.message}` : ""}`);
    this.opts.onStatus(status);
  }
}

function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}
