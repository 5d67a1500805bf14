import assert from "node:assert/strict";
import { id } from "ethers";
import type { Contract } from "ethers";
import { DAY, ETH, PUBLIC_KEY, SEALED_KEY, eventArgs, fee, freshChain, rejectsWith, send, view, type Chain, type Signer } from "./fixture.ts";

/** TestPayee's receive modes. */
const Mode = { Accept: 0, Reject: 1, BurnGas: 2 };
const JOB = id("job record");
const RESULT = id("result manifest");
const CONTENT = id("prompt plaintext");
const URI = "ipfs://bafy-meta/1.json";

describe("Payees that cannot receive: releases are credited in owed, and withdraw pays them once", function () {
  let c: Chain;
  let rental: Contract;
  let market: Contract;
  let requester: Signer;
  let buyer: Signer;

  beforeEach(async () => {
    c = await freshChain();
    ({ rental, market, alice: requester, bob: buyer } = c);
  });

  /** A TestPayee (or ReentrancyAttacker) contract in `mode`, driven by mallory. */
  async function payee(mode: number, name = "TestPayee"): Promise<{ contract: Contract; address: string }> {
    const contract = await c.deploy(name);
    await send(contract, c.mallory, "setMode", mode);
    return { contract, address: await contract.getAddress() };
  }

  /** Calls `target.method(...args)` from the payee contract, as that party. */
  async function as(party: Contract, target: Contract, method: string, ...args: unknown[]) {
    return send(party, c.mallory, "execute", await target.getAddress(), target.interface.encodeFunctionData(method, args));
  }

  /** A job of `price` wei for the contract `provider`, with its result submitted. */
  async function submittedTo(provider: Contract, price: bigint): Promise<bigint> {
    const deadline = (await c.now()) + DAY;
    const receipt = await send(rental, requester, "lock", await provider.getAddress(), ETH, price, deadline, JOB, { value: price });
    const jobId = eventArgs(rental, receipt, "Locked").jobId as bigint;
    await as(provider, rental, "submitResult", jobId, RESULT);
    return jobId;
  }

  /** A prompt listed by the contract `seller` and bought by `buyer`; returns the purchase id. */
  async function boughtFrom(seller: Contract, price: bigint, token = ETH): Promise<bigint> {
    await as(seller, market, "list", token, price, URI, CONTENT);
    const promptId = await view<bigint>(market, "promptCount");
    const receipt = await send(market, buyer, "buy", promptId, 1, PUBLIC_KEY, { value: token === ETH ? price : 0n });
    return eventArgs(market, receipt, "Purchased").purchaseId as bigint;
  }

  describe("ComputeRental", () => {
    it("a provider that rejects ETH gets its job confirmed: the release succeeds, the share is credited and withdrawn once it accepts", async () => {
      const provider = await payee(Mode.Reject);
      const jobId = await submittedTo(provider.contract, 1_000n);
      const receipt = await send(rental, requester, "confirm", jobId);
      assert.deepEqual(eventArgs(rental, receipt, "Confirmed"), { jobId, providerAmount: 970n, fee: 30n });
      assert.deepEqual(eventArgs(rental, receipt, "PaymentDeferred"), { token: ETH, to: provider.address, amount: 970n });
      assert.equal((await view<{ status: bigint }>(rental, "getJob", jobId)).status, 4n, "Released: the requester's side is settled");
      assert.equal(await view(rental, "owed", ETH, provider.address), 970n);
      assert.equal(await c.balance(await rental.getAddress()), 1_000n, "the credit and the fee are held");
      await rejectsWith(send(rental, requester, "confirm", jobId), rental.interface, "WrongJobStatus", [jobId, 4n]);

      await rejectsWith(send(rental, c.carol, "withdraw", ETH, provider.address), rental.interface, "PaymentFailed", [provider.address, 970n]);
      assert.equal(await view(rental, "owed", ETH, provider.address), 970n, "a failed withdrawal keeps the credit");
      await send(provider.contract, c.mallory, "setMode", Mode.Accept);
      const withdrawal = await send(rental, c.carol, "withdraw", ETH, provider.address);
      assert.deepEqual(eventArgs(rental, withdrawal, "Withdrawn"), { token: ETH, to: provider.address, amount: 970n });
      assert.equal(await c.balance(provider.address), 970n, "anyone may withdraw; the credit goes to the payee");
      assert.equal(await view(rental, "owed", ETH, provider.address), 0n);
      await rejectsWith(send(rental, c.carol, "withdraw", ETH, provider.address), rental.interface, "NothingOwed", [ETH, provider.address]);
      assert.equal(await c.balance(await rental.getAddress()), 30n, "only the fee stays");
    });

    it("a provider that rejects ETH claims after the challenge window, and withdraws its own credit", async () => {
      const provider = await payee(Mode.Reject);
      const jobId = await submittedTo(provider.contract, 1_000_001n);
      await c.increaseTime(DAY + 1);
      const receipt = await as(provider.contract, rental, "claim", jobId);
      assert.deepEqual(eventArgs(rental, receipt, "PaymentDeferred"), { token: ETH, to: provider.address, amount: 1_000_001n - 30_000n });
      await send(provider.contract, c.mallory, "setMode", Mode.Accept);
      await as(provider.contract, rental, "withdraw", ETH, provider.address);
      assert.equal(await c.balance(provider.address), 970_001n);
      await rejectsWith(as(provider.contract, rental, "withdraw", ETH, provider.address), rental.interface, "NothingOwed", [ETH, provider.address]);
    });

    it("a split with a requester that rejects ETH pays the provider and credits the requester", async () => {
      const requesterContract = await payee(Mode.Reject);
      const deadline = (await c.now()) + DAY;
      const lock = rental.interface.encodeFunctionData("lock", [buyer.address, ETH, 1_000n, deadline, JOB]);
      await send(requesterContract.contract, c.mallory, "execute", await rental.getAddress(), lock, { value: 1_000n });
      const jobId = await view<bigint>(rental, "jobIdOf", requesterContract.address, JOB);
      await send(rental, buyer, "submitResult", jobId, RESULT);
      await as(requesterContract.contract, rental, "dispute", jobId);
      await as(requesterContract.contract, rental, "proposeSplit", jobId, 600n);
      const before = await c.balance(buyer.address);
      const receipt = await send(rental, buyer, "proposeSplit", jobId, 600n);
      assert.equal((await c.balance(buyer.address)) - before + receipt.gasUsed * receipt.gasPrice, 600n - fee(600n));
      assert.deepEqual(eventArgs(rental, receipt, "PaymentDeferred"), { token: ETH, to: requesterContract.address, amount: 400n });
      assert.equal(await view(rental, "owed", ETH, requesterContract.address), 400n);
    });

    it("a provider that burns the gas it is given is credited: it costs the caller PAYMENT_GAS and the credit, no more, and a gas limit that starves it reverts instead", async () => {
      const provider = await payee(Mode.BurnGas);
      const paymentGas = await view<bigint>(rental, "PAYMENT_GAS");
      const jobId = await submittedTo(provider.contract, 1_000n);

      // with too little gas for the payee to get PAYMENT_GAS, the 1/64 left cannot pay for a credit
      const starved = (rental.connect(requester) as Contract).getFunction("confirm")(jobId, { gasLimit: 100_000 });
      await assert.rejects(async () => (await starved).wait());
      assert.equal(await view(rental, "owed", ETH, provider.address), 0n);
      assert.equal((await view<{ status: bigint }>(rental, "getJob", jobId)).status, 2n, "still Submitted");

      const receipt = await send(rental, requester, "confirm", jobId);
      assert.deepEqual(eventArgs(rental, receipt, "PaymentDeferred"), { token: ETH, to: provider.address, amount: 970n });
      // a plain confirm is ~49k; the payee burns PAYMENT_GAS and the credit costs a storage write and an event
      assert.ok(receipt.gasUsed < 49_000n + paymentGas + 30_000n, `confirm used ${receipt.gasUsed} gas`);
      await rejectsWith(send(rental, c.carol, "withdraw", ETH, provider.address), rental.interface, "PaymentFailed", [provider.address, 970n]);
    });
  });

  describe("PromptMarketplace", () => {
    it("a seller that rejects ETH completes the exchange: the key is delivered, the share credited, and withdrawn once it accepts", async () => {
      const seller = await payee(Mode.Reject);
      const purchaseId = await boughtFrom(seller.contract, 1_000n);
      const receipt = await as(seller.contract, market, "deliverKey", purchaseId, SEALED_KEY);
      assert.equal(eventArgs(market, receipt, "KeyDelivered").sellerAmount, 970n);
      assert.deepEqual(eventArgs(market, receipt, "PaymentDeferred"), { token: ETH, to: seller.address, amount: 970n });
      assert.equal(await view(market, "hasLicence", 1n, buyer.address), true);
      await c.increaseTime(2 * DAY);
      await rejectsWith(send(market, buyer, "refund", purchaseId), market.interface, "PurchaseNotPending", [purchaseId, 2n]);

      await send(seller.contract, c.mallory, "setMode", Mode.Accept);
      await as(seller.contract, market, "withdraw", ETH, seller.address);
      assert.equal(await c.balance(seller.address), 970n);
      await rejectsWith(send(market, buyer, "withdraw", ETH, seller.address), market.interface, "NothingOwed", [ETH, seller.address]);
      assert.equal(await c.balance(await market.getAddress()), 30n);
    });

    it("an ERC-20 that refuses transfers to the seller: the sale completes, the share is credited and withdrawn once unblocked, once", async () => {
      const token = await c.deploy("BlockingToken");
      const tokenAddress = await token.getAddress();
      await send(market, c.owner, "setTokenAllowed", tokenAddress, true);
      const seller = await payee(Mode.Accept);
      await send(token, buyer, "mint", buyer.address, 1_000n);
      await send(token, buyer, "approve", await market.getAddress(), 1_000n);
      const purchaseId = await boughtFrom(seller.contract, 1_000n, tokenAddress);
      await send(token, c.mallory, "setBlocked", seller.address, true);

      const receipt = await as(seller.contract, market, "deliverKey", purchaseId, SEALED_KEY);
      assert.deepEqual(eventArgs(market, receipt, "PaymentDeferred"), { token: tokenAddress, to: seller.address, amount: 970n });
      assert.equal(await view(market, "owed", tokenAddress, seller.address), 970n);
      assert.equal(await view(market, "owed", ETH, seller.address), 0n, "credits are per token");
      await rejectsWith(send(market, c.carol, "withdraw", tokenAddress, seller.address), market.interface, "PaymentFailed", [seller.address, 970n]);

      await send(token, c.mallory, "setBlocked", seller.address, false);
      await send(market, c.carol, "withdraw", tokenAddress, seller.address);
      assert.equal(await view(token, "balanceOf", seller.address), 970n);
      await rejectsWith(send(market, c.carol, "withdraw", tokenAddress, seller.address), market.interface, "NothingOwed", [tokenAddress, seller.address]);
      await send(market, c.carol, "withdrawFees", tokenAddress);
      assert.equal(await view(token, "balanceOf", await market.getAddress()), 0n, "nothing is left behind");
    });

    it("a buyer that rejects ETH is credited its refund", async () => {
      const buyerContract = await payee(Mode.Reject);
      await send(market, c.carol, "list", ETH, 500n, URI, CONTENT);
      await send(buyerContract.contract, c.mallory, "execute", await market.getAddress(), market.interface.encodeFunctionData("buy", [1n, 1, PUBLIC_KEY]), { value: 500n });
      const purchaseId = await view<bigint>(market, "purchaseIdOf", 1n, buyerContract.address);
      await c.increaseTime(DAY + 1);
      const receipt = await as(buyerContract.contract, market, "refund", purchaseId);
      assert.deepEqual(eventArgs(market, receipt, "PaymentDeferred"), { token: ETH, to: buyerContract.address, amount: 500n });
      assert.equal(await view(market, "owed", ETH, buyerContract.address), 500n);
    });
  });

  describe("withdraw", () => {
    it("with nothing owed is refused with NothingOwed", async () => {
      await rejectsWith(send(market, c.carol, "withdraw", ETH, c.carol.address), market.interface, "NothingOwed", [ETH, c.carol.address]);
      await rejectsWith(send(rental, c.carol, "withdraw", ETH, buyer.address), rental.interface, "NothingOwed", [ETH, buyer.address]);
    });

    it("an account that can never receive sends its own credit elsewhere, once; nobody else can", async () => {
      const stuck = await payee(Mode.Reject);
      const jobId = await submittedTo(stuck.contract, 1_000n);
      await send(rental, requester, "confirm", jobId);
      assert.equal(await view(rental, "owed", ETH, stuck.address), 970n);
      await rejectsWith(send(rental, c.carol, "withdrawTo", ETH, c.carol.address), rental.interface, "NothingOwed", [ETH, c.carol.address]);
      const rentalAddress = await rental.getAddress();
      const before = await c.balance(c.carol.address);
      await send(stuck.contract, c.mallory, "execute", rentalAddress, rental.interface.encodeFunctionData("withdrawTo", [ETH, c.carol.address]));
      assert.equal(await c.balance(c.carol.address), before + 970n);
      assert.equal(await view(rental, "owed", ETH, stuck.address), 0n);
      await assert.rejects(send(stuck.contract, c.mallory, "execute", rentalAddress, rental.interface.encodeFunctionData("withdrawTo", [ETH, c.carol.address])));
    });

    it("a payee that re-enters withdraw from its receive hook is paid its credit once", async () => {
      const attacker = await payee(Mode.Reject, "ReentrancyAttacker");
      const jobId = await submittedTo(attacker.contract, 1_000n);
      await send(rental, requester, "confirm", jobId);
      const rentalAddress = await rental.getAddress();
      await send(attacker.contract, c.mallory, "setMode", Mode.Accept);
      await send(attacker.contract, c.mallory, "setReentry", rentalAddress, rental.interface.encodeFunctionData("withdraw", [ETH, attacker.address]));
      await send(rental, c.carol, "withdraw", ETH, attacker.address);

      assert.equal(await view(attacker.contract, "attempted"), true);
      assert.equal(await view(attacker.contract, "reentered"), false);
      assert.equal(rental.interface.parseError(await view<string>(attacker.contract, "reentryError"))?.name, "ReentrancyGuardReentrantCall");
      assert.equal(await c.balance(attacker.address), 970n);
      assert.equal(await view(rental, "owed", ETH, attacker.address), 0n);
      assert.equal(await c.balance(rentalAddress), 30n);
    });

    it("fees are never credited: a fee recipient that rejects ETH makes withdrawFees revert, and the fees wait for the next recipient", async () => {
      const recipient = await payee(Mode.Reject);
      await send(market, c.owner, "setFeeRecipient", recipient.address);
      await send(market, c.carol, "list", ETH, 1_000n, URI, CONTENT);
      await send(market, buyer, "buy", 1n, 1, PUBLIC_KEY, { value: 1_000n });
      await send(market, c.carol, "deliverKey", await view<bigint>(market, "purchaseIdOf", 1n, buyer.address), SEALED_KEY);
      await rejectsWith(send(market, c.carol, "withdrawFees", ETH), market.interface, "PaymentFailed", [recipient.address, 30n]);
      assert.equal(await view(market, "feesOwed", ETH), 30n);
      assert.equal(await view(market, "owed", ETH, recipient.address), 0n);
      await send(market, c.owner, "setFeeRecipient", c.feeRecipient.address);
      const before = await c.balance(c.feeRecipient.address);
      await send(market, c.carol, "withdrawFees", ETH);
      assert.equal((await c.balance(c.feeRecipient.address)) - before, 30n);
    });
  });
});
