import { Interface, type Log } from "ethers";
import { errorMessage } from "../utils/errors.ts";
import type { Chain } from "./chain.ts";
import type { ContractName, Deployment } from "./deployment.ts";

/**
 * The arguments of the events a node reacts to, as decoded (every integer is a bigint). Both
 * contracts emit EscrowPayments' events: a payout credited in `owed` to a payee that could not
 * receive it (PaymentDeferred), and such a credit withdrawn (Withdrawn).
 */
export interface EscrowEventArgs {
  PaymentDeferred: { token: string; to: string; amount: bigint };
  Withdrawn: { token: string; to: string; amount: bigint };
}

export interface MarketplaceEventArgs extends EscrowEventArgs {
  Listed: { promptId: bigint; author: string; paymentToken: string; price: bigint; contentHash: string; metadataURI: string };
  Updated: { promptId: bigint; version: bigint; paymentToken: string; price: bigint; contentHash: string; metadataURI: string };
  Delisted: { promptId: bigint };
  Transfer: { from: string; to: string; tokenId: bigint };
  Purchased: { purchaseId: bigint; promptId: bigint; buyer: string; paymentToken: string; amount: bigint; deadline: bigint; buyerPublicKey: string };
  KeyDelivered: { purchaseId: bigint; promptId: bigint; buyer: string; seller: string; sealedKey: string; sellerAmount: bigint; fee: bigint };
  Refunded: { purchaseId: bigint; promptId: bigint; buyer: string; amount: bigint };
  Rated: { promptId: bigint; rater: string; score: bigint; ratingSum: bigint; ratingCount: bigint };
}

export interface RentalEventArgs extends EscrowEventArgs {
  Locked: { jobId: bigint; requester: string; provider: string; jobHash: string; paymentToken: string; price: bigint; deadline: bigint };
  ResultSubmitted: { jobId: bigint; provider: string; resultHash: string };
  Confirmed: { jobId: bigint; providerAmount: bigint; fee: bigint };
  Claimed: { jobId: bigint; providerAmount: bigint; fee: bigint };
  Refunded: { jobId: bigint; requester: string; amount: bigint };
  Disputed: { jobId: bigint; requester: string };
  SplitProposed: { jobId: bigint; by: string; providerShare: bigint };
  Resolved: { jobId: bigint; providerAmount: bigint; fee: bigint; requesterAmount: bigint };
}

export interface LogPosition {
  blockNumber: number;
  logIndex: number;
  txHash: string;
}

const ESCROW_EVENTS = ["PaymentDeferred", "Withdrawn"] satisfies (keyof EscrowEventArgs)[];
const FOLLOWED: Record<ContractName, ReadonlySet<string>> = {
  PromptMarketplace: new Set(["Listed", "Updated", "Delisted", "Transfer", "Purchased", "KeyDelivered", "Refunded", "Rated", ...ESCROW_EVENTS] satisfies (keyof MarketplaceEventArgs)[]),
  ComputeRental: new Set(["Locked", "ResultSubmitted", "Confirmed", "Claimed", "Refunded", "Disputed", "SplitProposed", "Resolved", ...ESCROW_EVENTS] satisfies (keyof RentalEventArgs)[]),
};

type EventsOf<C extends ContractName, M> = { [K in keyof M]: { contract: C; name: K; args: M[K] } & LogPosition }[keyof M];
export type ChainEvent = EventsOf<"PromptMarketplace", MarketplaceEventArgs> | EventsOf<"ComputeRental", RentalEventArgs>;

/** Where a follower has got to: the last event handled in `blockNumber`, or (no `logIndex`) the whole block. */
export interface EventCursor {
  blockNumber: number;
  logIndex?: number;
}

/** Persists the cursor for the caller (e.g. in the node's state file), so a restart resumes after the last handled event. */
export interface CursorStore {
  load(): Promise<EventCursor | undefined>;
  save(cursor: EventCursor): Promise<void>;
}

/** "unavailable": the RPC does not answer; "handler-failed": `onEvent` threw and the event will be retried. */
export type FollowerState = "starting" | "catching-up" | "live" | "unavailable" | "handler-failed" | "stopped";

export interface FollowerOptions {
  chain: Chain;
  deployment: Deployment;
  store: CursorStore;
  /** awaited before the cursor moves past the event; a throw stops the follower at that event, to be retried */
  onEvent: (event: ChainEvent) => void | Promise<void>;
  onStateChange?: (state: FollowerState, detail?: string) => void;
  /** called each time the cursor moves (after an event, or a range of blocks with none) */
  onPosition?: (cursor: EventCursor) => void;
  /** how often to look for new blocks (default 250 ms) */
  pollIntervalMs?: number;
  /** blocks per log query while catching up (default 2,000) */
  batchBlocks?: number;
  /** follow only blocks this far below the head, against reorganisations (default 0: local chains) */
  confirmations?: number;
}

/**
 * Follows both contracts' events by polling `eth_getLogs`, which survives RPC restarts (no
 * server-side filter to lose): on start it replays from the stored cursor (or the deployment block)
 * to the head, then keeps up. Delivery is in chain order and at most once per (txHash, logIndex)
 * in this process; across restarts it is exactly once when `onEvent`'s effect and the cursor are
 * stored together, and at least once otherwise. While the RPC does not answer the state is
 * "unavailable" and polling backs off up to 5 s.
 */
export class EventFollower {
  private readonly opts: Required<Omit<FollowerOptions, "onStateChange" | "onPosition">> & Pick<FollowerOptions, "onStateChange" | "onPosition">;
  private readonly decoders: Array<{ contract: ContractName; address: string; iface: Interface }>;
  private readonly seen = new Set<string>();
  private cursor: EventCursor | undefined;
  private stateValue: FollowerState = "stopped";
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(opts: FollowerOptions) {
    this.opts = { pollIntervalMs: 250, batchBlocks: 2_000, confirmations: 0, ...opts };
    this.decoders = (["PromptMarketplace", "ComputeRental"] as const).map((contract) => ({
      contract,
      address: opts.deployment.contracts[contract].address.toLowerCase(),
      iface: new Interface(opts.deployment.contracts[contract].abi),
    }));
  }

  get state(): FollowerState {
    return this.stateValue;
  }

  /** The last position handled (undefined before the first poll). */
  get position(): EventCursor | undefined {
    return this.cursor;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Stops after the event being handled, if any; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async loop(): Promise<void> {
    this.setState("starting");
    let backoff = this.opts.pollIntervalMs;
    while (!this.stopping) {
      try {
        this.cursor ??= (await this.opts.store.load()) ?? { blockNumber: this.opts.deployment.deployBlock - 1 };
        const caughtUp = await this.pollOnce();
        if (this.stopping) break;
        this.setState(caughtUp ? "live" : "catching-up");
        backoff = this.opts.pollIntervalMs;
        if (caughtUp) await this.sleep(this.opts.pollIntervalMs);
      } catch (err) {
        if (this.stopping) break;
        this.setState(err instanceof HandlerError ? "handler-failed" : "unavailable", errorMessage(err));
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    this.setState("stopped");
  }

  /** Handles one batch of blocks; true when it reached the followed head. */
  private async pollOnce(): Promise<boolean> {
    const { chain, batchBlocks, confirmations } = this.opts;
    const head = (await chain.blockNumber()) - confirmations;
    const cursor = this.cursor!;
    // a cursor inside a block resumes within it
    const from = cursor.logIndex === undefined ? cursor.blockNumber + 1 : cursor.blockNumber;
    if (from > head) return true;
    const to = Math.min(head, from + batchBlocks - 1);
    const logs = await chain.read("reading contract events", () =>
      chain.provider.getLogs({ address: this.decoders.map((d) => d.address), fromBlock: from, toBlock: to }),
    );
    logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    for (const log of logs) {
      if (this.stopping) return false;
      if (log.blockNumber === cursor.blockNumber && log.index <= (cursor.logIndex ?? Infinity)) continue;
      await this.handle(log);
    }
    if (this.stopping) return false;
    await this.advance({ blockNumber: to });
    return to === head;
  }

  private async handle(log: Log): Promise<void> {
    const key = `${log.transactionHash}:${log.index}`;
    const event = this.decode(log);
    if (event && !this.seen.has(key)) {
      try {
        await this.opts.onEvent(event);
      } catch (err) {
        throw new HandlerError(`handling ${event.name} of ${log.transactionHash} failed: ${errorMessage(err)}`, { cause: err });
      }
      this.seen.add(key);
      if (this.seen.size > 10_000) this.seen.clear(); // the cursor already orders everything older
    }
    await this.advance({ blockNumber: log.blockNumber, logIndex: log.index });
  }

  private decode(log: Log): ChainEvent | undefined {
    const decoder = this.decoders.find((d) => d.address === log.address.toLowerCase());
    const parsed = decoder?.iface.parseLog(log);
    // the contracts' administrative events (fee recipient, allow list, approvals) are not followed
    if (!decoder || !parsed || !FOLLOWED[decoder.contract].has(parsed.name)) return undefined;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => {
      args[input.name] = parsed.args[i];
    });
    return { contract: decoder.contract, name: parsed.name, args, blockNumber: log.blockNumber, logIndex: log.index, txHash: log.transactionHash } as ChainEvent;
  }

  private async advance(cursor: EventCursor): Promise<void> {
    this.cursor = cursor;
    await this.opts.store.save(cursor);
    this.opts.onPosition?.(cursor);
  }

  private setState(state: FollowerState, detail?: string): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.opts.onStateChange?.(state, detail);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolveSleep) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolveSleep();
      }
      this.wake = done;
    });
  }
}

class HandlerError extends Error {}
