import { Contract, FetchRequest, Interface, JsonRpcProvider, Network, type HDNodeWallet, type TransactionReceipt, type Wallet } from "ethers";
import { AscendError } from "../utils/errors.ts";
import { chainError, unavailable } from "./errors.ts";

export interface ChainOptions {
  /** JSON-RPC endpoint (http or https) */
  rpcUrl: string;
  /** the chain the deployment belongs to; any other is refused */
  expectedChainId: number;
  /** signs transactions; without one the Chain only reads */
  wallet?: Wallet | HDNodeWallet;
  /** one RPC request's limit before the chain counts as unavailable (default 5 s) */
  requestTimeoutMs?: number;
  /** how often ethers polls for receipts (default 250 ms; ethers' own default is 4 s) */
  pollingIntervalMs?: number;
  /** blocks on top of a transaction's before it counts as done (default 1) */
  confirmations?: number;
  /** limit for a sent transaction to reach its confirmations (default 120 s) */
  txTimeoutMs?: number;
}

export interface SendOptions {
  /** wei sent along (ETH payments) */
  value?: bigint;
}

const ERC20 = new Interface([
  "function balanceOf(address) view returns (uint256)",
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
]);

/**
 * One chain connection: a JSON-RPC provider checked against the expected chain id, an optional
 * wallet, and transactions that are simulated (estimateGas) before they are sent, so a call the
 * contract would refuse never costs gas and comes back as its decoded custom error. Every request is
 * bounded by `requestTimeoutMs`: a chain that is down gives an UNAVAILABLE error, never a hang.
 */
export class Chain {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly provider: JsonRpcProvider;
  readonly wallet: Wallet | HDNodeWallet | undefined;
  private readonly timeoutMs: number;
  private readonly confirmations: number;
  private readonly txTimeoutMs: number;
  // one wallet, one nonce sequence: sends go out one at a time
  private sending: Promise<unknown> = Promise.resolve();

  private constructor(opts: ChainOptions, provider: JsonRpcProvider) {
    this.rpcUrl = opts.rpcUrl;
    this.chainId = opts.expectedChainId;
    this.provider = provider;
    this.wallet = opts.wallet?.connect(provider);
    this.timeoutMs = opts.requestTimeoutMs ?? 5_000;
    this.confirmations = opts.confirmations ?? 1;
    this.txTimeoutMs = opts.txTimeoutMs ?? 120_000;
  }

  /** Connects and checks the chain id: UNAVAILABLE if the RPC does not answer, CONFIG if it serves another chain. */
  static async connect(opts: ChainOptions): Promise<Chain> {
    const request = new FetchRequest(opts.rpcUrl);
    request.timeout = opts.requestTimeoutMs ?? 5_000;
    // A static network: ethers would otherwise retry network detection forever against a dead RPC.
    // No cache: ethers answers an identical request made within 250 ms from a cache, and a local chain
    // mines faster than that, so a balance, nonce or gas estimate read after a transaction could
    // predate it (a stale estimate would even let a call that now reverts be sent).
    const network = Network.from(opts.expectedChainId);
    const provider = new JsonRpcProvider(request, network, { staticNetwork: network, pollingInterval: opts.pollingIntervalMs ?? 250, cacheTimeout: -1 });
    const chain = new Chain(opts, provider);
    try {
      const served = Number(await chain.read("reading the chain id", () => provider.send("eth_chainId", []) as Promise<string>));
      if (served !== opts.expectedChainId) {
        throw new AscendError("CONFIG", `the RPC at ${opts.rpcUrl} serves chain ${served}, not the expected chain ${opts.expectedChainId}: refusing to use it`);
      }
    } catch (err) {
      provider.destroy();
      throw err;
    }
    return chain;
  }

  /** The chain id an RPC serves (for a node configured without one); UNAVAILABLE if it does not answer in time. */
  static async probeChainId(rpcUrl: string, timeoutMs = 5_000): Promise<number> {
    const request = new FetchRequest(rpcUrl);
    request.timeout = timeoutMs;
    request.body = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
    let result: unknown;
    try {
      const response = await request.send();
      response.assertOk();
      result = (response.bodyJson as { result?: unknown }).result;
    } catch (err) {
      throw unavailable(rpcUrl, err);
    }
    if (typeof result !== "string" || !/^0x[0-9a-f]+$/i.test(result)) throw new AscendError("CONFIG", `the RPC at ${rpcUrl} answered eth_chainId with ${JSON.stringify(result)}, not a chain id`);
    return Number(result);
  }

  /** The wallet's address; throws if this Chain was opened without one. */
  get address(): string {
    return this.requireWallet().address;
  }

  /** Whether the RPC answers now, and its head block. */
  async health(): Promise<{ available: true; blockNumber: number } | { available: false; reason: string }> {
    try {
      return { available: true, blockNumber: await this.blockNumber() };
    } catch (err) {
      return { available: false, reason: (err as Error).message };
    }
  }

  /** The head block number. */
  blockNumber(): Promise<number> {
    return this.read("reading the head block", () => this.provider.getBlockNumber());
  }

  /** ETH balance in wei (default: the wallet's). */
  balance(account = this.address): Promise<bigint> {
    return this.read("reading a balance", () => this.provider.getBalance(account));
  }

  /** ERC-20 balance in the token's base units (default: the wallet's). */
  tokenBalance(token: string, account = this.address): Promise<bigint> {
    return this.read("reading a token balance", () => this.erc20(token).getFunction("balanceOf")(account) as Promise<bigint>);
  }

  /** The token's decimals() and symbol() (both optional in ERC-20: null when it does not answer). */
  async tokenInfo(token: string): Promise<{ decimals: number | null; symbol: string | null }> {
    const optional = <T>(fn: () => Promise<T>) => this.read("reading the token's details", fn).catch((err: unknown) => {
      if (err instanceof AscendError && err.code === "UNAVAILABLE") throw err;
      return null;
    });
    const [decimals, symbol] = await Promise.all([
      optional(() => this.erc20(token).getFunction("decimals")() as Promise<bigint>),
      optional(() => this.erc20(token).getFunction("symbol")() as Promise<string>),
    ]);
    return { decimals: decimals === null ? null : Number(decimals), symbol: symbol === null ? null : symbol.slice(0, 32) };
  }

  /** Makes sure `spender` may take `amount` of `token` from the wallet, approving it if not. */
  async ensureAllowance(token: string, spender: string, amount: bigint): Promise<void> {
    const current = await this.read("reading a token allowance", () => this.erc20(token).getFunction("allowance")(this.address, spender) as Promise<bigint>);
    if (current < amount) await this.send(this.erc20(token), "approve", [spender, amount], "approving the token payment");
  }

  /** Runs a read with the request timeout and this module's error mapping. */
  async read<T>(action: string, fn: () => Promise<T>, ifaces: Interface[] = []): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(this.rpcUrl, new Error(`no answer within ${this.timeoutMs} ms`))), this.timeoutMs);
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (err) {
      throw chainError(err, action, this.rpcUrl, ifaces);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Calls a contract method as a transaction: simulate it (estimateGas), check the wallet can pay
   * value + gas, send with a 20% gas margin, and wait for the confirmations. A refusal by the
   * contract throws ContractRevertError before anything is sent.
   */
  send(contract: Contract, method: string, args: unknown[], action: string, opts: SendOptions = {}): Promise<TransactionReceipt> {
    const run = this.sending.then(() => this.sendNow(contract, method, args, action, opts));
    this.sending = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.provider.destroy();
  }

  private async sendNow(contract: Contract, method: string, args: unknown[], action: string, opts: SendOptions): Promise<TransactionReceipt> {
    const wallet = this.requireWallet();
    const ifaces = [contract.interface, ERC20];
    const tx = await contract.getFunction(method).populateTransaction(...args, { value: opts.value ?? 0n });
    tx.from = wallet.address;
    const gas = await this.read(action, () => this.provider.estimateGas(tx), ifaces);
    const [balance, feeData] = await Promise.all([this.balance(), this.read(action, () => this.provider.getFeeData())]);
    const gasPrice = feeData.maxFeePerGas ?? feeData.gasPrice ?? 0n;
    const gasLimit = (gas * 12n) / 10n;
    const worstCase = (opts.value ?? 0n) + gasLimit * gasPrice;
    if (balance < worstCase) {
      throw new AscendError("BAD_REQUEST", `${action}: insufficient funds: wallet ${wallet.address} holds ${balance} wei, needs up to ${worstCase} wei (value + gas)`);
    }
    const response = await this.read(action, () => wallet.sendTransaction({ ...tx, gasLimit }), ifaces);
    try {
      const receipt = await response.wait(this.confirmations, this.txTimeoutMs);
      if (!receipt) throw new AscendError("INTERNAL", `${action}: transaction ${response.hash} has no receipt`);
      return receipt;
    } catch (err) {
      if (err instanceof AscendError) throw err;
      // it was simulated successfully, so the state changed in between (or the RPC went away)
      throw new AscendError(isTimeout(err) ? "UNAVAILABLE" : "CONFLICT", `${action}: transaction ${response.hash} was sent but ${isTimeout(err) ? "not confirmed in time" : "reverted when mined"}`, { cause: err });
    }
  }

  private erc20(token: string): Contract {
    return new Contract(token, ERC20, this.wallet ?? this.provider);
  }

  private requireWallet(): Wallet | HDNodeWallet {
    if (!this.wallet) throw new AscendError("CONFIG", "this chain connection has no wallet: it can only read");
    return this.wallet;
  }
}

function isTimeout(err: unknown): boolean {
  return (err as { code?: string })?.code === "TIMEOUT";
}
