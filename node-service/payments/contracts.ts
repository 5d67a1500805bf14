import { AbiCoder, Contract, ZeroAddress, keccak256, type BytesLike, type TransactionReceipt } from "ethers";
import { AscendError } from "../utils/errors.ts";
import type { Chain } from "./chain.ts";
import type { DeployedContract } from "./deployment.ts";

/** `paymentToken` value for native ETH. */
export const ETH = ZeroAddress;

export const PurchaseStatus = { None: 0, Pending: 1, Delivered: 2, Refunded: 3 } as const;
export const JobStatus = { None: 0, Locked: 1, Submitted: 2, Disputed: 3, Released: 4, Refunded: 5, Resolved: 6 } as const;

export interface Listing {
  paymentToken: string;
  price: bigint;
  version: number;
  listed: boolean;
  ratingSum: number;
  ratingCount: number;
  contentHash: string;
  metadataURI: string;
}

export interface Purchase {
  buyer: string;
  promptId: bigint;
  deadline: number;
  status: number;
  rating: number;
  paymentToken: string;
  amount: bigint;
}

export interface Job {
  requester: string;
  deadline: number;
  since: number;
  status: number;
  provider: string;
  price: bigint;
  paymentToken: string;
}

export interface ListingInput {
  /** default: ETH */
  paymentToken?: string;
  price: bigint;
  metadataURI: string;
  contentHash: string;
}

const abi = AbiCoder.defaultAbiCoder();

/** The id PromptMarketplace gives `buyer`'s purchase of `promptId`, computed without the chain. */
export function purchaseIdOf(promptId: bigint, buyer: string): bigint {
  return BigInt(keccak256(abi.encode(["uint256", "address"], [promptId, buyer])));
}

/** The id ComputeRental gives `requester`'s job `jobHash`, computed without the chain. */
export function jobIdOf(requester: string, jobHash: string): bigint {
  return BigInt(keccak256(abi.encode(["address", "bytes32"], [requester, jobHash])));
}

/** What both clients share: the contract, reads and sends through the Chain, and EscrowPayments' payment calls. */
abstract class ContractClient {
  readonly contract: Contract;
  protected readonly chain: Chain;
  constructor(chain: Chain, deployed: DeployedContract) {
    this.chain = chain;
    this.contract = new Contract(deployed.address, deployed.abi, chain.wallet ?? chain.provider);
  }

  get address(): string {
    return this.contract.target as string;
  }

  protected call<T>(method: string, args: unknown[]): Promise<T> {
    return this.chain.read(`reading ${method}`, () => this.contract.getFunction(method)(...args) as Promise<T>, [this.contract.interface]);
  }

  protected send(method: string, args: unknown[], action: string, value?: bigint): Promise<TransactionReceipt> {
    return this.chain.send(this.contract, method, args, action, { value });
  }

  /** Sends the payment in ETH (as value) or, for an ERC-20, approves the contract first. */
  protected async pay(token: string, amount: bigint): Promise<bigint | undefined> {
    if (token === ETH) return amount;
    await this.chain.ensureAllowance(token, this.address, amount);
    return undefined;
  }

  /** What the contract owes `who` in `token`: payouts it could not push to them (see `withdraw`). */
  owed(token: string, who: string): Promise<bigint> {
    return this.call<bigint>("owed", [token, who]);
  }

  /**
   * Sends `to` its whole credit in `token`. Anyone may send it for anyone: the credit always goes to
   * `to`. Refused with NothingOwed when there is none, and with PaymentFailed (the credit stays)
   * while `to` still cannot receive.
   */
  withdraw(token: string, to: string): Promise<TransactionReceipt> {
    return this.send("withdraw", [token, to], `withdrawing what is owed to ${to}`);
  }

  /** Sends this wallet's own credit in `token` to `to` (for a wallet that cannot receive itself). */
  withdrawTo(token: string, to: string): Promise<TransactionReceipt> {
    return this.send("withdrawTo", [token, to], `sending this wallet's credit to ${to}`);
  }

  /** Sends every fee accrued in `token` to the current fee recipient. */
  withdrawFees(token = ETH): Promise<TransactionReceipt> {
    return this.send("withdrawFees", [token], "withdrawing fees");
  }

  protected eventArg(receipt: TransactionReceipt, event: string, arg: string): bigint {
    for (const log of receipt.logs) {
      const parsed = this.contract.interface.parseLog(log);
      if (parsed?.name === event) return parsed.args.getValue(arg) as bigint;
    }
    throw new AscendError("INTERNAL", `transaction ${receipt.hash} has no ${event} event`);
  }
}

/** PromptMarketplace through a Chain: listings, fair-exchange purchases, ratings. */
export class Marketplace extends ContractClient {
  async list(input: ListingInput): Promise<{ promptId: bigint; receipt: TransactionReceipt }> {
    const receipt = await this.send("list", [input.paymentToken ?? ETH, input.price, input.metadataURI, input.contentHash], "listing a prompt");
    return { promptId: this.eventArg(receipt, "Listed", "promptId"), receipt };
  }

  update(promptId: bigint, input: ListingInput): Promise<TransactionReceipt> {
    return this.send("update", [promptId, input.paymentToken ?? ETH, input.price, input.metadataURI, input.contentHash], `updating prompt ${promptId}`);
  }

  delist(promptId: bigint): Promise<TransactionReceipt> {
    return this.send("delist", [promptId], `delisting prompt ${promptId}`);
  }

  /**
   * Buys a licence for the listing `version` the buyer saw, paying its price (ETH as value, an
   * ERC-20 after approval). The seller answers with KeyDelivered, sealed to `buyerPublicKey`.
   */
  async buy(promptId: bigint, version: number, buyerPublicKey: BytesLike): Promise<{ purchaseId: bigint; receipt: TransactionReceipt }> {
    const listing = await this.listing(promptId);
    // refused here, before an ERC-20 approval is spent on a purchase the contract would refuse
    if (!listing.listed) throw new AscendError("CONFLICT", `prompt ${promptId} is not for sale`);
    if (listing.version !== version) throw new AscendError("CONFLICT", `prompt ${promptId} changed since version ${version} (now version ${listing.version}): review it before buying`);
    const value = await this.pay(listing.paymentToken, listing.price);
    const receipt = await this.send("buy", [promptId, version, buyerPublicKey], `buying prompt ${promptId}`, value);
    return { purchaseId: this.eventArg(receipt, "Purchased", "purchaseId"), receipt };
  }

  deliverKey(purchaseId: bigint, sealedKey: BytesLike): Promise<TransactionReceipt> {
    return this.send("deliverKey", [purchaseId, sealedKey], `delivering the key of purchase ${purchaseId}`);
  }

  refund(purchaseId: bigint): Promise<TransactionReceipt> {
    return this.send("refund", [purchaseId], `reclaiming purchase ${purchaseId}`);
  }

  rate(promptId: bigint, score: number): Promise<TransactionReceipt> {
    return this.send("rate", [promptId, score], `rating prompt ${promptId}`);
  }

  async listing(promptId: bigint): Promise<Listing> {
    const l = await this.call<Listing>("listing", [promptId]);
    return { paymentToken: l.paymentToken, price: l.price, version: Number(l.version), listed: l.listed, ratingSum: Number(l.ratingSum), ratingCount: Number(l.ratingCount), contentHash: l.contentHash, metadataURI: l.metadataURI };
  }

  async purchase(purchaseId: bigint): Promise<Purchase> {
    const p = await this.call<Purchase>("purchase", [purchaseId]);
    return { buyer: p.buyer, promptId: p.promptId, deadline: Number(p.deadline), status: Number(p.status), rating: Number(p.rating), paymentToken: p.paymentToken, amount: p.amount };
  }

  hasLicence(promptId: bigint, account: string): Promise<boolean> {
    return this.call<boolean>("hasLicence", [promptId, account]);
  }

  async ownerOf(promptId: bigint): Promise<string> {
    return this.call<string>("ownerOf", [promptId]);
  }
}

/** ComputeRental through a Chain: the job escrow. */
export class ComputeEscrow extends ContractClient {
  /** Locks `price` for `provider` until `deadline` (unix seconds); ERC-20s are approved first. */
  async lock(input: { provider: string; paymentToken?: string; price: bigint; deadline: number; jobHash: string }): Promise<{ jobId: bigint; receipt: TransactionReceipt }> {
    const token = input.paymentToken ?? ETH;
    const value = await this.pay(token, input.price);
    const receipt = await this.send("lock", [input.provider, token, input.price, input.deadline, input.jobHash], "locking the job's payment", value);
    return { jobId: this.eventArg(receipt, "Locked", "jobId"), receipt };
  }

  submitResult(jobId: bigint, resultHash: string): Promise<TransactionReceipt> {
    return this.send("submitResult", [jobId, resultHash], `submitting the result of job ${jobId}`);
  }

  confirm(jobId: bigint): Promise<TransactionReceipt> {
    return this.send("confirm", [jobId], `confirming job ${jobId}`);
  }

  claim(jobId: bigint): Promise<TransactionReceipt> {
    return this.send("claim", [jobId], `claiming the payment of job ${jobId}`);
  }

  refund(jobId: bigint): Promise<TransactionReceipt> {
    return this.send("refund", [jobId], `reclaiming the payment of job ${jobId}`);
  }

  dispute(jobId: bigint): Promise<TransactionReceipt> {
    return this.send("dispute", [jobId], `disputing job ${jobId}`);
  }

  proposeSplit(jobId: bigint, providerShare: bigint): Promise<TransactionReceipt> {
    return this.send("proposeSplit", [jobId, providerShare], `proposing a split of job ${jobId}`);
  }

  concede(jobId: bigint): Promise<TransactionReceipt> {
    return this.send("concede", [jobId], `conceding job ${jobId}`);
  }

  async job(jobId: bigint): Promise<Job> {
    const j = await this.call<Job>("getJob", [jobId]);
    return { requester: j.requester, deadline: Number(j.deadline), since: Number(j.since), status: Number(j.status), provider: j.provider, price: j.price, paymentToken: j.paymentToken };
  }
}
