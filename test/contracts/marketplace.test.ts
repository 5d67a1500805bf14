import assert from "node:assert/strict";
import { id } from "ethers";
import type { Contract } from "ethers";
import { DAY, ETH, PUBLIC_KEY, SEALED_KEY, eventArgs, fee, freshChain, gasCost, rejectsWith, send, view, type Chain, type Signer } from "./fixture.ts";

const CONTENT = id("prompt plaintext");
const URI = "ipfs://bafy-meta/1.json";
const Status = { None: 0n, Pending: 1n, Delivered: 2n, Refunded: 3n };

describe("PromptMarketplace on an in-process Hardhat chain", function () {
  let c: Chain;
  let market: Contract;
  let seller: Signer;
  let buyer: Signer;

  beforeEach(async () => {
    c = await freshChain();
    ({ market, alice: seller, bob: buyer } = c);
  });

  async function listed(price: bigint, token = ETH, by = seller): Promise<bigint> {
    const receipt = await send(market, by, "list", token, price, URI, CONTENT);
    return eventArgs(market, receipt, "Listed").promptId as bigint;
  }

  async function bought(promptId: bigint, price: bigint, by = buyer): Promise<bigint> {
    const receipt = await send(market, by, "buy", promptId, 1, PUBLIC_KEY, { value: price });
    return eventArgs(market, receipt, "Purchased").purchaseId as bigint;
  }

  describe("listings", () => {
    it("mints a transferable token to the author with the metadata URI and content hash on-chain", async () => {
      const promptId = await listed(10n ** 16n);
      assert.equal(await view(market, "ownerOf", promptId), seller.address);
      assert.equal(await view(market, "tokenURI", promptId), URI);
      const listing = await view<{ price: bigint; version: bigint; listed: boolean; contentHash: string }>(market, "listing", promptId);
      assert.deepEqual([listing.price, listing.version, listing.listed, listing.contentHash], [10n ** 16n, 1n, true, CONTENT]);

      await send(market, seller, "transferFrom", seller.address, c.carol.address, promptId);
      await rejectsWith(send(market, seller, "update", promptId, ETH, 1n, URI, CONTENT), market.interface, "NotPromptOwner", [promptId, seller.address]);
      const receipt = await send(market, c.carol, "update", promptId, ETH, 5n, "ipfs://v2", id("v2"));
      assert.deepEqual(eventArgs(market, receipt, "Updated"), { promptId, version: 2n, paymentToken: ETH, price: 5n, contentHash: id("v2"), metadataURI: "ipfs://v2" });
      assert.equal(await view(market, "tokenURI", promptId), "ipfs://v2");
    });

    it("refuses a zero or oversized price, an empty content hash and a token off the allow list", async () => {
      const i = market.interface;
      await rejectsWith(send(market, seller, "list", ETH, 0n, URI, CONTENT), i, "ZeroPrice");
      await rejectsWith(send(market, seller, "list", ETH, 2n ** 96n, URI, CONTENT), i, "PriceTooHigh", [2n ** 96n, 2n ** 96n - 1n]);
      await rejectsWith(send(market, seller, "list", ETH, 1n, URI, "0x" + "00".repeat(32)), i, "EmptyContentHash");
      const token = await c.deploy("TestToken");
      await rejectsWith(send(market, seller, "list", await token.getAddress(), 1n, URI, CONTENT), i, "TokenNotAllowed", [await token.getAddress()]);
    });

    it("a buyer pinned to an old version is refused after an update, and nobody can buy a delisted prompt", async () => {
      const promptId = await listed(100n);
      await send(market, seller, "update", promptId, ETH, 200n, URI, id("v2"));
      await rejectsWith(send(market, buyer, "buy", promptId, 1, PUBLIC_KEY, { value: 200n }), market.interface, "ListingChanged", [promptId, 2n]);
      await send(market, seller, "delist", promptId);
      await rejectsWith(send(market, buyer, "buy", promptId, 2, PUBLIC_KEY, { value: 200n }), market.interface, "NotListed", [promptId]);
      await rejectsWith(send(market, buyer, "delist", promptId), market.interface, "NotPromptOwner", [promptId, buyer.address]);
    });
  });

  describe("fair exchange", () => {
    for (const price of [1n, 33n, 34n, 1_000_001n, 10n ** 18n + 7n, 2n ** 96n - 1n]) {
      it(`a ${price} wei sale pays the seller price - floor(3%) and accrues floor(3%) to the fee recipient`, async () => {
        await c.provider.request({ method: "hardhat_setBalance", params: [buyer.address, "0x" + (2n ** 100n).toString(16)] });
        const promptId = await listed(price);
        const purchaseId = await bought(promptId, price);
        assert.equal(await c.balance(await market.getAddress()), price, "the payment is held");

        const sellerBefore = await c.balance(seller.address);
        const receipt = await send(market, seller, "deliverKey", purchaseId, SEALED_KEY);
        assert.equal((await c.balance(seller.address)) - sellerBefore + gasCost(receipt), price - fee(price));
        assert.equal(await view(market, "feesOwed", ETH), fee(price));

        const recipientBefore = await c.balance(c.feeRecipient.address);
        if (fee(price) === 0n) await rejectsWith(send(market, c.carol, "withdrawFees", ETH), market.interface, "NoFeesOwed", [ETH]);
        else await send(market, c.carol, "withdrawFees", ETH);
        assert.equal((await c.balance(c.feeRecipient.address)) - recipientBefore, fee(price));
        assert.equal(await c.balance(await market.getAddress()), 0n, "nothing is left behind");
      });
    }

    it("the buyer's public key and the sealed key travel in the events, and the licence is granted once", async () => {
      const promptId = await listed(1_000n);
      const buyReceipt = await send(market, buyer, "buy", promptId, 1, PUBLIC_KEY, { value: 1_000n });
      const purchased = eventArgs(market, buyReceipt, "Purchased");
      const purchaseId = purchased.purchaseId as bigint;
      assert.equal(purchased.buyerPublicKey, PUBLIC_KEY);
      assert.equal(purchaseId, await view(market, "purchaseIdOf", promptId, buyer.address));
      assert.equal(await view(market, "hasLicence", promptId, buyer.address), false);

      const delivered = eventArgs(market, await send(market, seller, "deliverKey", purchaseId, SEALED_KEY), "KeyDelivered");
      assert.deepEqual(delivered, { purchaseId, promptId, buyer: buyer.address, seller: seller.address, sealedKey: SEALED_KEY, sellerAmount: 970n, fee: 30n });
      assert.equal(await view(market, "hasLicence", promptId, buyer.address), true);

      const i = market.interface;
      await rejectsWith(send(market, buyer, "buy", promptId, 1, PUBLIC_KEY, { value: 1_000n }), i, "AlreadyLicensed", [promptId, buyer.address]);
      await rejectsWith(send(market, seller, "deliverKey", purchaseId, SEALED_KEY), i, "PurchaseNotPending", [purchaseId, Status.Delivered]);
      await c.increaseTime(2 * DAY);
      await rejectsWith(send(market, buyer, "refund", purchaseId), i, "PurchaseNotPending", [purchaseId, Status.Delivered]);
    });

    it("refuses a second buy while one is pending, a wrong payment, and an empty key", async () => {
      const promptId = await listed(500n);
      const i = market.interface;
      await rejectsWith(send(market, buyer, "buy", promptId, 1, PUBLIC_KEY, { value: 499n }), i, "WrongPayment", [500n, 499n]);
      await rejectsWith(send(market, buyer, "buy", promptId, 1, "0x", { value: 500n }), i, "EmptyKey");
      const purchaseId = await bought(promptId, 500n);
      await rejectsWith(send(market, buyer, "buy", promptId, 1, PUBLIC_KEY, { value: 500n }), i, "PurchaseNotPending", [purchaseId, Status.Pending]);
      await rejectsWith(send(market, seller, "deliverKey", purchaseId, "0x"), i, "EmptyKey");
    });

    it("only the prompt's current owner delivers, and only the buyer reclaims", async () => {
      const promptId = await listed(500n);
      const purchaseId = await bought(promptId, 500n);
      const i = market.interface;
      await rejectsWith(send(market, c.mallory, "deliverKey", purchaseId, SEALED_KEY), i, "NotSeller", [purchaseId, c.mallory.address]);
      await send(market, seller, "transferFrom", seller.address, c.carol.address, promptId);
      await rejectsWith(send(market, seller, "deliverKey", purchaseId, SEALED_KEY), i, "NotSeller", [purchaseId, seller.address]);
      await c.increaseTime(DAY + 1);
      await rejectsWith(send(market, c.mallory, "refund", purchaseId), i, "NotBuyer", [purchaseId, c.mallory.address]);
    });

    it("a delisted prompt's pending purchase can still be delivered", async () => {
      const promptId = await listed(500n);
      const purchaseId = await bought(promptId, 500n);
      await send(market, seller, "delist", promptId);
      await send(market, seller, "deliverKey", purchaseId, SEALED_KEY);
      assert.equal(await view(market, "hasLicence", promptId, buyer.address), true);
    });
  });

  describe("delivery deadline", () => {
    it("before the deadline the buyer cannot reclaim; after it the seller cannot deliver and the buyer gets everything back once", async () => {
      const promptId = await listed(1_000_001n);
      const purchaseId = await bought(promptId, 1_000_001n);
      const { deadline } = await view<{ deadline: bigint }>(market, "purchase", purchaseId);
      const i = market.interface;
      await rejectsWith(send(market, buyer, "refund", purchaseId), i, "DeliveryNotExpired", [purchaseId, deadline]);

      await c.increaseTime(Number(deadline) - (await c.now()) + 1);
      await rejectsWith(send(market, seller, "deliverKey", purchaseId, SEALED_KEY), i, "DeliveryExpired", [purchaseId, deadline]);
      const before = await c.balance(buyer.address);
      const receipt = await send(market, buyer, "refund", purchaseId);
      assert.equal((await c.balance(buyer.address)) - before + gasCost(receipt), 1_000_001n);
      assert.deepEqual(eventArgs(market, receipt, "Refunded"), { purchaseId, promptId, buyer: buyer.address, amount: 1_000_001n });
      await rejectsWith(send(market, buyer, "refund", purchaseId), i, "PurchaseNotPending", [purchaseId, Status.Refunded]);
      assert.equal(await c.balance(await market.getAddress()), 0n);
      assert.equal(await view(market, "hasLicence", promptId, buyer.address), false);
    });

    it("delivery in the deadline's own second still counts", async () => {
      const promptId = await listed(100n);
      const purchaseId = await bought(promptId, 100n);
      const { deadline } = await view<{ deadline: bigint }>(market, "purchase", purchaseId);
      await c.provider.request({ method: "evm_setNextBlockTimestamp", params: [Number(deadline)] });
      await send(market, seller, "deliverKey", purchaseId, SEALED_KEY);
      assert.equal(await view(market, "hasLicence", promptId, buyer.address), true);
    });

    it("after a refund the buyer may buy again, and that purchase is delivered normally", async () => {
      const promptId = await listed(100n);
      const purchaseId = await bought(promptId, 100n);
      await c.increaseTime(DAY + 1);
      await send(market, buyer, "refund", purchaseId);
      assert.equal(await bought(promptId, 100n), purchaseId);
      await send(market, seller, "deliverKey", purchaseId, SEALED_KEY);
      assert.equal(await view(market, "hasLicence", promptId, buyer.address), true);
    });
  });

  describe("ratings", () => {
    it("licence holders rate 1-5 once per licence, a new score replaces theirs, and the aggregate is on-chain", async () => {
      const promptId = await listed(100n);
      const i = market.interface;
      await rejectsWith(send(market, buyer, "rate", promptId, 5), i, "NoLicence", [promptId, buyer.address]);
      const purchaseId = await bought(promptId, 100n);
      await rejectsWith(send(market, buyer, "rate", promptId, 5), i, "NoLicence", [promptId, buyer.address]);
      await send(market, seller, "deliverKey", purchaseId, SEALED_KEY);
      await rejectsWith(send(market, buyer, "rate", promptId, 0), i, "InvalidScore", [0n]);
      await rejectsWith(send(market, buyer, "rate", promptId, 6), i, "InvalidScore", [6n]);

      await send(market, buyer, "rate", promptId, 4);
      const receipt = await send(market, buyer, "rate", promptId, 2);
      assert.deepEqual(eventArgs(market, receipt, "Rated"), { promptId, rater: buyer.address, score: 2n, ratingSum: 2n, ratingCount: 1n });
      await send(market, seller, "deliverKey", await bought(promptId, 100n, c.carol), SEALED_KEY);
      await send(market, c.carol, "rate", promptId, 5);
      assert.deepEqual([...(await view<bigint[]>(market, "rating", promptId))], [7n, 2n]);
    });
  });

  describe("owner settings", () => {
    it("a deployment with a zero or over-a-year window is refused", async () => {
      const args = (window: number) => [c.owner.address, c.feeRecipient.address, window];
      await rejectsWith(c.deploy("PromptMarketplace", args(0)), market.interface, "InvalidWindow", [0n]);
      await rejectsWith(c.deploy("PromptMarketplace", args(366 * DAY)), market.interface, "InvalidWindow", [BigInt(366 * DAY)]);
      await rejectsWith(c.deploy("ComputeRental", [...args(DAY), 0]), c.rental.interface, "InvalidWindow", [0n]);
    });

    it("only the owner sets the fee recipient and the token allow list; accrued fees go to the current recipient", async () => {
      const i = market.interface;
      await rejectsWith(send(market, c.mallory, "setFeeRecipient", c.mallory.address), i, "OwnableUnauthorizedAccount", [c.mallory.address]);
      await rejectsWith(send(market, c.mallory, "setTokenAllowed", c.mallory.address, true), i, "OwnableUnauthorizedAccount", [c.mallory.address]);
      await rejectsWith(send(market, c.owner, "setFeeRecipient", ETH), i, "ZeroAddress");
      await rejectsWith(send(market, c.carol, "withdrawFees", ETH), i, "NoFeesOwed", [ETH]);

      await send(market, seller, "deliverKey", await bought(await listed(1_000n), 1_000n), SEALED_KEY);
      await send(market, c.owner, "setFeeRecipient", c.carol.address);
      const before = await c.balance(c.carol.address);
      const receipt = await send(market, c.carol, "withdrawFees", ETH);
      assert.equal((await c.balance(c.carol.address)) - before + gasCost(receipt), 30n);
    });
  });

  describe("ERC-20 payments", () => {
    it("a sale in an allowed token moves exact token amounts and keeps ETH out of it", async () => {
      const token = await c.deploy("TestToken");
      const tokenAddress = await token.getAddress();
      await send(market, c.owner, "setTokenAllowed", tokenAddress, true);
      const price = 10n ** 18n + 1n;
      const promptId = await listed(price, tokenAddress);
      await send(token, buyer, "mint", buyer.address, price);

      await rejectsWith(send(market, buyer, "buy", promptId, 1, PUBLIC_KEY), token.interface, "ERC20InsufficientAllowance", [await market.getAddress(), 0n, price]);
      await send(token, buyer, "approve", await market.getAddress(), price);
      await rejectsWith(send(market, buyer, "buy", promptId, 1, PUBLIC_KEY, { value: 1n }), market.interface, "WrongPayment", [0n, 1n]);
      const purchaseId = await bought(promptId, 0n);
      await send(market, seller, "deliverKey", purchaseId, SEALED_KEY);
      assert.equal(await view(token, "balanceOf", seller.address), price - fee(price));
      assert.equal(await view(market, "feesOwed", tokenAddress), fee(price));
      await send(market, c.carol, "withdrawFees", tokenAddress);
      assert.equal(await view(token, "balanceOf", c.feeRecipient.address), fee(price));
      assert.equal(await view(token, "balanceOf", await market.getAddress()), 0n);
    });

    it("a refund in a token returns the exact amount", async () => {
      const token = await c.deploy("TestToken");
      const tokenAddress = await token.getAddress();
      await send(market, c.owner, "setTokenAllowed", tokenAddress, true);
      const promptId = await listed(777n, tokenAddress);
      await send(token, buyer, "mint", buyer.address, 777n);
      await send(token, buyer, "approve", await market.getAddress(), 777n);
      const purchaseId = await bought(promptId, 0n);
      await c.increaseTime(DAY + 1);
      await send(market, buyer, "refund", purchaseId);
      assert.equal(await view(token, "balanceOf", buyer.address), 777n);
    });

    it("a token whose transferFrom returns false is refused, and so is one that delivers less than sent", async () => {
      for (const [name, error] of [["FalseReturningToken", "SafeERC20FailedOperation"], ["FeeOnTransferToken", "UnsupportedToken"]] as const) {
        const token = await c.deploy(name);
        const tokenAddress = await token.getAddress();
        await send(market, c.owner, "setTokenAllowed", tokenAddress, true);
        const promptId = await listed(1_000n, tokenAddress);
        await send(token, buyer, "mint", buyer.address, 1_000n);
        await send(token, buyer, "approve", await market.getAddress(), 1_000n);
        const args = error === "UnsupportedToken" ? [tokenAddress, 1_000n, 990n] : [tokenAddress];
        await rejectsWith(send(market, buyer, "buy", promptId, 1, PUBLIC_KEY), market.interface, error, args);
      }
    });

    it("a token removed from the allow list cannot be paid with, but its open purchases settle", async () => {
      const token = await c.deploy("TestToken");
      const tokenAddress = await token.getAddress();
      await send(market, c.owner, "setTokenAllowed", tokenAddress, true);
      const promptId = await listed(100n, tokenAddress);
      for (const who of [buyer, c.carol]) {
        await send(token, who, "mint", who.address, 100n);
        await send(token, who, "approve", await market.getAddress(), 100n);
      }
      const purchaseId = await bought(promptId, 0n);
      await send(market, c.owner, "setTokenAllowed", tokenAddress, false);
      await rejectsWith(send(market, c.carol, "buy", promptId, 1, PUBLIC_KEY), market.interface, "TokenNotAllowed", [tokenAddress]);
      await send(market, seller, "deliverKey", purchaseId, SEALED_KEY);
      assert.equal(await view(token, "balanceOf", seller.address), 97n);
    });
  });

  describe("reentrancy", () => {
    it("a buyer contract that re-enters refund from its receive hook is paid once", async () => {
      const attacker = await c.deploy("ReentrancyAttacker");
      const attackerAddress = await attacker.getAddress();
      const promptId = await listed(1_000n);
      await send(attacker, c.mallory, "execute", await market.getAddress(), market.interface.encodeFunctionData("buy", [promptId, 1, PUBLIC_KEY]), { value: 1_000n });
      const purchaseId = await view<bigint>(market, "purchaseIdOf", promptId, attackerAddress);
      await c.increaseTime(DAY + 1);
      const refund = market.interface.encodeFunctionData("refund", [purchaseId]);
      await send(attacker, c.mallory, "setReentry", await market.getAddress(), refund);
      await send(attacker, c.mallory, "execute", await market.getAddress(), refund);

      assert.equal(await view(attacker, "attempted"), true);
      assert.equal(await view(attacker, "reentered"), false);
      assert.equal(market.interface.parseError(await view<string>(attacker, "reentryError"))?.name, "ReentrancyGuardReentrantCall");
      assert.equal(await c.balance(attackerAddress), 1_000n);
      assert.equal(await c.balance(await market.getAddress()), 0n);
    });

    it("a seller contract that re-enters deliverKey for another purchase from its receive hook gets nothing extra", async () => {
      const attacker = await c.deploy("ReentrancyAttacker");
      const attackerAddress = await attacker.getAddress();
      const marketAddress = await market.getAddress();
      await send(attacker, c.mallory, "execute", marketAddress, market.interface.encodeFunctionData("list", [ETH, 1_000n, URI, CONTENT]));
      const first = await bought(1n, 1_000n, buyer);
      const second = await bought(1n, 1_000n, c.carol);
      await send(attacker, c.mallory, "setReentry", marketAddress, market.interface.encodeFunctionData("deliverKey", [second, SEALED_KEY]));
      await send(attacker, c.mallory, "execute", marketAddress, market.interface.encodeFunctionData("deliverKey", [first, SEALED_KEY]));

      assert.equal(await view(attacker, "reentered"), false);
      assert.equal(await c.balance(attackerAddress), 970n);
      assert.equal((await view<{ status: bigint }>(market, "purchase", second)).status, Status.Pending);
      assert.equal(await c.balance(marketAddress), 1_000n + 30n, "the second payment and the first fee are still held");
    });
  });
});
