import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Contract, ContractFactory, Wallet, id, type HDNodeWallet, type InterfaceAbi, type TransactionReceipt } from "ethers";
import {
  Chain,
  ComputeEscrow,
  ContractRevertError,
  ETH,
  EventFollower,
  Marketplace,
  JobStatus,
  PurchaseStatus,
  deployAll,
  jobIdOf,
  splitFee,
  type ChainEvent,
  type Deployment,
  type FollowerState,
} from "../../node-service/payments/index.ts";
import { AscendError } from "../../node-service/utils/errors.ts";
import { HardhatNodeProcess, MemoryCursorStore, RpcProxy, devWallet } from "../helpers/chain_process.ts";
import { ROOT } from "../helpers/node_process.ts";

const CHAIN_ID = 31337;
const PUBLIC_KEY = "0x04" + "ab".repeat(64);
const SEALED_KEY = "0x" + "5e".repeat(113);
const PRICE = 1_000_000_007n;

/** A follower plus what it delivered, with waits that resolve on the event or state itself. */
class Watch {
  readonly events: ChainEvent[] = [];
  readonly states: FollowerState[] = [];
  readonly follower: EventFollower;
  private waiters: Array<() => void> = [];

  constructor(chain: Chain, deployment: Deployment, store: MemoryCursorStore, onEvent?: (e: ChainEvent) => Promise<void>) {
    this.follower = new EventFollower({
      chain,
      deployment,
      store,
      onEvent: async (e) => {
        await onEvent?.(e);
        this.events.push(e);
        this.notify();
      },
      onStateChange: (state) => {
        this.states.push(state);
        this.notify();
      },
      onPosition: () => this.notify(),
    });
    this.follower.start();
  }

  until<T>(check: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolveWait, rejectWait) => {
      const timer = setTimeout(() => rejectWait(new Error(`timed out waiting for ${what}; states ${this.states.join(" > ")}`)), timeoutMs);
      const attempt = () => {
        const value = check();
        if (value === undefined || value === false) return false;
        clearTimeout(timer);
        resolveWait(value);
        return true;
      };
      if (!attempt()) this.waiters.push(attempt as () => void);
    });
  }

  event(name: string, txHash?: string): Promise<ChainEvent> {
    return this.until(() => this.events.find((e) => e.name === name && (!txHash || e.txHash === txHash)), `${name}${txHash ? ` of ${txHash}` : ""}`);
  }

  /** Resolves once the follower is live with everything up to `block` handled. */
  caughtUp(block: number): Promise<true> {
    return this.until(() => this.follower.state === "live" && (this.follower.position?.blockNumber ?? -1) >= block, `catching up to block ${block}`);
  }

  count(name: string, txHash: string): number {
    return this.events.filter((e) => e.name === name && e.txHash === txHash).length;
  }

  private notify(): void {
    this.waiters = this.waiters.filter((attempt) => !(attempt as () => boolean)());
  }
}

describe("payments against a real hardhat node process", function () {
  this.timeout(60_000);
  let node: HardhatNodeProcess;
  let deployment: Deployment;
  let deployer: Chain;
  let seller: Chain;
  let buyer: Chain;
  let sellerMarket: Marketplace;
  let buyerMarket: Marketplace;
  const opened: Chain[] = [];
  const watches: Watch[] = [];

  const connect = async (wallet: HDNodeWallet | Wallet | undefined, url = node.url, extra: { requestTimeoutMs?: number } = {}) => {
    const chain = await Chain.connect({ rpcUrl: url, expectedChainId: CHAIN_ID, wallet, requestTimeoutMs: extra.requestTimeoutMs ?? 2_000 });
    opened.push(chain);
    return chain;
  };
  const watch = (chain: Chain, store: MemoryCursorStore, onEvent?: (e: ChainEvent) => Promise<void>) => {
    const w = new Watch(chain, deployment, store, onEvent);
    watches.push(w);
    return w;
  };
  const listPrompt = async () => (await sellerMarket.list({ price: PRICE, metadataURI: "ipfs://meta", contentHash: id(`content ${Math.random()}`) })).promptId;

  before(async () => {
    node = await HardhatNodeProcess.start();
    deployer = await connect(devWallet(0));
    deployment = await deployAll(deployer.wallet!, { feeRecipient: devWallet(9).address, deliveryWindow: 3600 });
    seller = await connect(devWallet(1));
    buyer = await connect(devWallet(2));
    sellerMarket = new Marketplace(seller, deployment.contracts.PromptMarketplace);
    buyerMarket = new Marketplace(buyer, deployment.contracts.PromptMarketplace);
  });
  afterEach(async () => {
    node.resume();
    await Promise.all(watches.splice(0).map((w) => w.follower.stop()));
  });
  after(async () => {
    for (const chain of opened) chain.close();
    await node?.stop();
  });

  it("a purchase completes through the events: the seller's node answers Purchased, the buyer's node receives KeyDelivered", async () => {
    const promptId = await listPrompt();
    let delivery: TransactionReceipt | undefined;
    const sellerWatch = watch(seller, new MemoryCursorStore(), async (e) => {
      if (e.contract === "PromptMarketplace" && e.name === "Purchased" && e.args.promptId === promptId) delivery = await sellerMarket.deliverKey(e.args.purchaseId, SEALED_KEY);
    });
    const buyerWatch = watch(buyer, new MemoryCursorStore());
    const sellerBefore = await seller.balance();

    const { purchaseId } = await buyerMarket.buy(promptId, 1, PUBLIC_KEY);
    const delivered = await buyerWatch.event("KeyDelivered");
    assert.ok(delivered.contract === "PromptMarketplace" && delivered.name === "KeyDelivered");
    assert.equal(delivered.args.purchaseId, purchaseId);
    assert.equal(delivered.args.sealedKey, SEALED_KEY);
    assert.equal(delivered.args.buyer, buyer.address);
    const { fee, payee } = splitFee(PRICE);
    assert.deepEqual([delivered.args.sellerAmount, delivered.args.fee], [payee, fee], "the node's fee math matches the contract's to the wei");
    assert.equal((await buyerMarket.purchase(purchaseId)).status, PurchaseStatus.Delivered);
    assert.ok(await buyerMarket.hasLicence(promptId, buyer.address));
    assert.equal((await seller.balance()) - sellerBefore + delivery!.gasUsed * delivery!.gasPrice, payee, "the seller received price - floor(3%)");
    await sellerWatch.event("KeyDelivered");
  });

  it("a follower stopped while a purchase happens replays it on restart, exactly once", async () => {
    const promptId = await listPrompt();
    const store = new MemoryCursorStore();
    const first = watch(buyer, store);
    await first.caughtUp(await buyer.blockNumber());
    const seenBefore = first.events.length;
    await first.follower.stop();

    const { receipt } = await buyerMarket.buy(promptId, 1, PUBLIC_KEY);
    const second = watch(buyer, store);
    await second.event("Purchased", receipt.hash);
    await second.caughtUp(receipt.blockNumber);
    assert.equal(second.count("Purchased", receipt.hash), 1);
    assert.equal(second.events.length, 1, `nothing handled before the stop is delivered again (first run saw ${seenBefore})`);
  });

  it("survives the RPC going away and coming back: the events in between arrive once", async () => {
    const proxy = new RpcProxy(node.url);
    await proxy.start();
    try {
      const viaProxy = await connect(undefined, proxy.url, { requestTimeoutMs: 1_000 });
      const w = watch(viaProxy, new MemoryCursorStore());
      await w.caughtUp(await buyer.blockNumber());

      await proxy.stop();
      await w.until(() => w.follower.state === "unavailable", "the follower to notice the RPC is gone");
      const promptId = await listPrompt();
      const { receipt } = await buyerMarket.buy(promptId, 1, PUBLIC_KEY);
      await proxy.start();

      await w.event("Purchased", receipt.hash);
      await w.caughtUp(receipt.blockNumber);
      assert.equal(w.count("Purchased", receipt.hash), 1);
      const down = w.states.lastIndexOf("unavailable");
      assert.ok(down >= 0 && w.states.slice(down + 1).includes("live"), `reported states: ${w.states.join(" > ")}`);
    } finally {
      await proxy.stop();
    }
  });

  it("an ERC-20 sale through the client approves the marketplace first and moves exact token amounts", async () => {
    const { abi, bytecode } = JSON.parse(readFileSync(join(ROOT, "artifacts/contracts/test/TestToken.sol/TestToken.json"), "utf8")) as { abi: InterfaceAbi; bytecode: string };
    const token = await new ContractFactory(abi, bytecode, deployer.wallet).deploy();
    await token.waitForDeployment();
    const tokenAddress = await token.getAddress();
    await deployer.send(new Contract(deployment.contracts.PromptMarketplace.address, deployment.contracts.PromptMarketplace.abi, deployer.wallet), "setTokenAllowed", [tokenAddress, true], "allowing the token");
    await deployer.send(token as Contract, "mint", [buyer.address, PRICE], "minting");

    const { promptId } = await sellerMarket.list({ paymentToken: tokenAddress, price: PRICE, metadataURI: "ipfs://meta", contentHash: id("token sale") });
    const { purchaseId } = await buyerMarket.buy(promptId, 1, PUBLIC_KEY);
    assert.equal(await buyer.tokenBalance(tokenAddress), 0n);
    await sellerMarket.deliverKey(purchaseId, SEALED_KEY);
    assert.equal(await seller.tokenBalance(tokenAddress), splitFee(PRICE).payee);
  });

  it("a job's escrow through the client: lock, submit, confirm pays the provider price - floor(3%)", async () => {
    const requester = new ComputeEscrow(buyer, deployment.contracts.ComputeRental);
    const provider = new ComputeEscrow(seller, deployment.contracts.ComputeRental);
    const jobHash = id(`job ${Date.now()}`);
    const head = await buyer.provider.getBlock("latest");
    const { jobId } = await requester.lock({ provider: seller.address, price: PRICE, deadline: head!.timestamp + 3600, jobHash });
    assert.equal(jobId, jobIdOf(buyer.address, jobHash));
    await provider.submitResult(jobId, id("result"));
    const before = await seller.balance();
    await requester.confirm(jobId);
    assert.equal((await seller.balance()) - before, splitFee(PRICE).payee);
    assert.equal((await requester.job(jobId)).status, JobStatus.Released);
    await assert.rejects(requester.confirm(jobId), (err: ContractRevertError) => err.errorName === "WrongJobStatus");
  });

  it("a provider contract that cannot receive: confirm credits it (PaymentDeferred reaches the follower), owed() shows it, withdraw pays it once it accepts, once", async () => {
    const { abi, bytecode } = JSON.parse(readFileSync(join(ROOT, "artifacts/contracts/test/TestPayee.sol/TestPayee.json"), "utf8")) as { abi: InterfaceAbi; bytecode: string };
    const payee = (await new ContractFactory(abi, bytecode, deployer.wallet).deploy()) as Contract;
    await payee.waitForDeployment();
    const payeeAddress = await payee.getAddress();
    const [ACCEPT, REJECT] = [0, 1];
    await deployer.send(payee, "setMode", [REJECT], "making the provider reject ETH");
    const requester = new ComputeEscrow(buyer, deployment.contracts.ComputeRental);
    const anyone = new ComputeEscrow(seller, deployment.contracts.ComputeRental);
    const head = await buyer.provider.getBlock("latest");
    const { jobId } = await requester.lock({ provider: payeeAddress, price: PRICE, deadline: head!.timestamp + 3600, jobHash: id(`job ${Date.now()} for a contract`) });
    const submit = requester.contract.interface.encodeFunctionData("submitResult", [jobId, id("result")]);
    await deployer.send(payee, "execute", [requester.address, submit], "submitting the result as the provider contract");
    const w = watch(buyer, new MemoryCursorStore());

    const confirm = await requester.confirm(jobId);
    const deferred = await w.event("PaymentDeferred", confirm.hash);
    assert.ok(deferred.name === "PaymentDeferred");
    assert.deepEqual(deferred.args, { token: ETH, to: payeeAddress, amount: splitFee(PRICE).payee });
    assert.equal((await requester.job(jobId)).status, JobStatus.Released);
    assert.equal(await requester.owed(ETH, payeeAddress), splitFee(PRICE).payee);
    await assert.rejects(anyone.withdraw(ETH, payeeAddress), (err: ContractRevertError) => err.errorName === "PaymentFailed" && /cannot receive/.test(err.message));

    await deployer.send(payee, "setMode", [ACCEPT], "making the provider accept ETH");
    const withdrawal = await anyone.withdraw(ETH, payeeAddress);
    await w.event("Withdrawn", withdrawal.hash);
    assert.equal(await buyer.balance(payeeAddress), splitFee(PRICE).payee);
    assert.equal(await requester.owed(ETH, payeeAddress), 0n);
    await assert.rejects(anyone.withdraw(ETH, payeeAddress), (err: ContractRevertError) => err.errorName === "NothingOwed" && /nothing is owed to/.test(err.message));
  });

  it("refuses an RPC that serves another chain", async () => {
    await assert.rejects(Chain.connect({ rpcUrl: node.url, expectedChainId: 1 }), (err: AscendError) => {
      assert.equal(err.code, "CONFIG");
      assert.match(err.message, /serves chain 31337, not the expected chain 1/);
      return true;
    });
  });

  it("a call the contract would refuse comes back as its decoded custom error, and nothing is sent", async () => {
    const promptId = await listPrompt();
    const { purchaseId } = await buyerMarket.buy(promptId, 1, PUBLIC_KEY);
    const nonce = Number(await buyer.provider.send("eth_getTransactionCount", [buyer.address, "latest"]));
    const balance = await buyer.balance();

    await assert.rejects(buyerMarket.deliverKey(purchaseId, SEALED_KEY), (err: ContractRevertError) => {
      assert.ok(err instanceof ContractRevertError);
      assert.equal(err.errorName, "NotSeller");
      assert.deepEqual(err.args, { purchaseId, caller: buyer.address });
      assert.match(err.message, new RegExp(`NotSeller\\(purchaseId=${purchaseId}, caller=${buyer.address}\\)`));
      return true;
    });
    await assert.rejects(buyerMarket.buy(promptId, 1, PUBLIC_KEY), (err: ContractRevertError) => err.errorName === "PurchaseNotPending");
    assert.equal(Number(await buyer.provider.send("eth_getTransactionCount", [buyer.address, "latest"])), nonce, "no transaction was sent");
    assert.equal(await buyer.balance(), balance, "no gas was spent");
  });

  it("a wallet that cannot pay gets a clear insufficient-funds error", async () => {
    const promptId = await listPrompt();
    const pauper = new Marketplace(await connect(Wallet.createRandom()), deployment.contracts.PromptMarketplace);
    await assert.rejects(pauper.buy(promptId, 1, PUBLIC_KEY), (err: AscendError) => {
      assert.equal(err.code, "BAD_REQUEST");
      assert.match(err.message, /insufficient funds/);
      return true;
    });
  });

  it("a chain that is down gives an UNAVAILABLE error within the request timeout, refused or hanging", async () => {
    const proxy = new RpcProxy(node.url);
    await proxy.start();
    const url = proxy.url;
    await proxy.stop();
    let started = Date.now();
    await assert.rejects(Chain.connect({ rpcUrl: url, expectedChainId: CHAIN_ID, requestTimeoutMs: 1_000 }), (err: AscendError) => err.code === "UNAVAILABLE" && /unavailable/.test(err.message));
    assert.ok(Date.now() - started < 3_000, `refused connection reported after ${Date.now() - started} ms`);

    const reader = await connect(undefined, node.url, { requestTimeoutMs: 1_000 });
    node.pause();
    started = Date.now();
    await assert.rejects(reader.balance(buyer.address), (err: AscendError) => err.code === "UNAVAILABLE" && /unavailable/.test(err.message));
    assert.ok(Date.now() - started < 3_000, `hanging RPC reported after ${Date.now() - started} ms`);
    const health = await reader.health();
    assert.equal(health.available, false);
    node.resume();
    assert.equal((await reader.health()).available, true);
  });
});
