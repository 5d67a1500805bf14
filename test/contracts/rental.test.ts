import assert from "node:assert/strict";
import { id } from "ethers";
import type { Contract } from "ethers";
import { DAY, ETH, eventArgs, fee, freshChain, gasCost, rejectsWith, send, view, type Chain, type Signer } from "./fixture.ts";

const Status = { None: 0n, Locked: 1n, Submitted: 2n, Disputed: 3n, Released: 4n, Refunded: 5n, Resolved: 6n };
const JOB = id("job record");
const RESULT = id("result manifest");

describe("ComputeRental on an in-process Hardhat chain", function () {
  let c: Chain;
  let rental: Contract;
  let requester: Signer;
  let provider: Signer;

  beforeEach(async () => {
    c = await freshChain();
    ({ rental, alice: requester, bob: provider } = c);
  });

  async function locked(price: bigint, opts: { token?: string; jobHash?: string; deadlineIn?: number } = {}): Promise<bigint> {
    const deadline = (await c.now()) + (opts.deadlineIn ?? DAY);
    const value = (opts.token ?? ETH) === ETH ? price : 0n;
    const receipt = await send(rental, requester, "lock", provider.address, opts.token ?? ETH, price, deadline, opts.jobHash ?? JOB, { value });
    return eventArgs(rental, receipt, "Locked").jobId as bigint;
  }

  async function submitted(price: bigint): Promise<bigint> {
    const jobId = await locked(price);
    await send(rental, provider, "submitResult", jobId, RESULT);
    return jobId;
  }

  async function disputed(price: bigint): Promise<bigint> {
    const jobId = await submitted(price);
    await send(rental, requester, "dispute", jobId);
    return jobId;
  }

  const status = async (jobId: bigint) => (await view<{ status: bigint }>(rental, "getJob", jobId)).status;

  describe("lock", () => {
    it("escrows the price under the id jobIdOf(requester, jobHash) and emits what the provider needs", async () => {
      const deadline = (await c.now()) + DAY;
      const receipt = await send(rental, requester, "lock", provider.address, ETH, 1_000n, deadline, JOB, { value: 1_000n });
      const jobId = await view<bigint>(rental, "jobIdOf", requester.address, JOB);
      assert.deepEqual(eventArgs(rental, receipt, "Locked"), { jobId, requester: requester.address, provider: provider.address, jobHash: JOB, paymentToken: ETH, price: 1_000n, deadline: BigInt(deadline) });
      assert.equal(await c.balance(await rental.getAddress()), 1_000n);
      assert.equal(await status(jobId), Status.Locked);
    });

    it("refuses the same job twice, a bad provider, a past deadline and a wrong payment", async () => {
      const jobId = await locked(100n);
      const i = rental.interface;
      const deadline = (await c.now()) + DAY;
      await rejectsWith(send(rental, requester, "lock", provider.address, ETH, 100n, deadline, JOB, { value: 100n }), i, "JobExists", [jobId]);
      await rejectsWith(send(rental, requester, "lock", requester.address, ETH, 100n, deadline, id("2"), { value: 100n }), i, "InvalidProvider", [requester.address]);
      await rejectsWith(send(rental, requester, "lock", ETH, ETH, 100n, deadline, id("2"), { value: 100n }), i, "InvalidProvider", [ETH]);
      const past = await c.now();
      await rejectsWith(send(rental, requester, "lock", provider.address, ETH, 100n, past, id("2"), { value: 100n }), i, "DeadlineInPast", [BigInt(past)]);
      await rejectsWith(send(rental, requester, "lock", provider.address, ETH, 100n, deadline, id("2"), { value: 99n }), i, "WrongPayment", [100n, 99n]);
      await rejectsWith(send(rental, requester, "lock", provider.address, ETH, 0n, deadline, id("2")), i, "ZeroPrice");
    });
  });

  describe("happy paths", () => {
    for (const price of [1n, 33n, 1_000_001n, 2n ** 96n - 1n]) {
      it(`confirm of a ${price} wei job pays the provider price - floor(3%) and the fee recipient floor(3%)`, async () => {
        await c.provider.request({ method: "hardhat_setBalance", params: [requester.address, "0x" + (2n ** 100n).toString(16)] });
        const jobId = await locked(price);
        const submit = await send(rental, provider, "submitResult", jobId, RESULT);
        assert.deepEqual(eventArgs(rental, submit, "ResultSubmitted"), { jobId, provider: provider.address, resultHash: RESULT });
        const before = await c.balance(provider.address);
        const receipt = await send(rental, requester, "confirm", jobId);
        assert.equal((await c.balance(provider.address)) - before, price - fee(price));
        assert.deepEqual(eventArgs(rental, receipt, "Confirmed"), { jobId, providerAmount: price - fee(price), fee: fee(price) });
        assert.equal(await view(rental, "feesOwed", ETH), fee(price));
        assert.equal(await c.balance(await rental.getAddress()), fee(price), "only the fee stays, until withdrawn");
      });
    }

    it("after the challenge window with no dispute the provider claims; not before, and not twice", async () => {
      const jobId = await submitted(1_000n);
      const i = rental.interface;
      const { since } = await view<{ since: bigint }>(rental, "getJob", jobId);
      await rejectsWith(send(rental, provider, "claim", jobId), i, "ChallengeWindowOpen", [jobId, since + BigInt(DAY)]);
      await c.increaseTime(DAY + 1);
      await rejectsWith(send(rental, requester, "claim", jobId), i, "NotProvider", [jobId, requester.address]);
      const before = await c.balance(provider.address);
      const receipt = await send(rental, provider, "claim", jobId);
      assert.equal((await c.balance(provider.address)) - before + gasCost(receipt), 970n);
      await rejectsWith(send(rental, provider, "claim", jobId), i, "WrongJobStatus", [jobId, Status.Released]);
      await rejectsWith(send(rental, requester, "confirm", jobId), i, "WrongJobStatus", [jobId, Status.Released]);
      await rejectsWith(send(rental, requester, "dispute", jobId), i, "WrongJobStatus", [jobId, Status.Released]);
    });

    it("a confirmed job cannot be confirmed, claimed or refunded again", async () => {
      const jobId = await submitted(1_000n);
      await send(rental, requester, "confirm", jobId);
      const i = rental.interface;
      await c.increaseTime(10 * DAY);
      await rejectsWith(send(rental, requester, "confirm", jobId), i, "WrongJobStatus", [jobId, Status.Released]);
      await rejectsWith(send(rental, provider, "claim", jobId), i, "WrongJobStatus", [jobId, Status.Released]);
      await rejectsWith(send(rental, requester, "refund", jobId), i, "WrongJobStatus", [jobId, Status.Released]);
    });

    it("only the provider submits and only the requester confirms", async () => {
      const jobId = await locked(1_000n);
      const i = rental.interface;
      await rejectsWith(send(rental, c.mallory, "submitResult", jobId, RESULT), i, "NotProvider", [jobId, c.mallory.address]);
      await rejectsWith(send(rental, requester, "confirm", jobId), i, "WrongJobStatus", [jobId, Status.Locked]);
      await send(rental, provider, "submitResult", jobId, RESULT);
      await rejectsWith(send(rental, provider, "submitResult", jobId, RESULT), i, "WrongJobStatus", [jobId, Status.Submitted]);
      await rejectsWith(send(rental, provider, "confirm", jobId), i, "NotRequester", [jobId, provider.address]);
    });
  });

  describe("deadline", () => {
    it("with no result the requester is refunded after the deadline, not before, once; a late result is refused", async () => {
      const jobId = await locked(1_000_001n, { deadlineIn: 3600 });
      const { deadline } = await view<{ deadline: bigint }>(rental, "getJob", jobId);
      const i = rental.interface;
      await rejectsWith(send(rental, requester, "refund", jobId), i, "RefundNotDue", [jobId, deadline]);
      await c.increaseTime(3601);
      await rejectsWith(send(rental, provider, "submitResult", jobId, RESULT), i, "DeadlinePassed", [jobId, deadline]);
      await rejectsWith(send(rental, c.mallory, "refund", jobId), i, "NotRequester", [jobId, c.mallory.address]);
      const before = await c.balance(requester.address);
      const receipt = await send(rental, requester, "refund", jobId);
      assert.equal((await c.balance(requester.address)) - before + gasCost(receipt), 1_000_001n);
      assert.deepEqual(eventArgs(rental, receipt, "Refunded"), { jobId, requester: requester.address, amount: 1_000_001n });
      await rejectsWith(send(rental, requester, "refund", jobId), i, "WrongJobStatus", [jobId, Status.Refunded]);
      assert.equal(await c.balance(await rental.getAddress()), 0n);
    });

    it("a submitted result is not refundable by the deadline", async () => {
      const jobId = await locked(1_000n, { deadlineIn: 3600 });
      await send(rental, provider, "submitResult", jobId, RESULT);
      await c.increaseTime(3601);
      await rejectsWith(send(rental, requester, "refund", jobId), rental.interface, "WrongJobStatus", [jobId, Status.Submitted]);
    });
  });

  describe("disputes", () => {
    it("a dispute within the challenge window freezes the funds: no confirm, claim or early refund", async () => {
      const jobId = await disputed(1_000n);
      const i = rental.interface;
      const { since } = await view<{ since: bigint }>(rental, "getJob", jobId);
      await c.increaseTime(2 * DAY);
      await rejectsWith(send(rental, requester, "confirm", jobId), i, "WrongJobStatus", [jobId, Status.Disputed]);
      await rejectsWith(send(rental, provider, "claim", jobId), i, "WrongJobStatus", [jobId, Status.Disputed]);
      await rejectsWith(send(rental, requester, "refund", jobId), i, "RefundNotDue", [jobId, since + 7n * BigInt(DAY)]);
      assert.equal(await c.balance(await rental.getAddress()), 1_000n);
    });

    it("a dispute after the challenge window is refused, and only the requester disputes", async () => {
      const jobId = await submitted(1_000n);
      const i = rental.interface;
      await rejectsWith(send(rental, provider, "dispute", jobId), i, "NotRequester", [jobId, provider.address]);
      const { since } = await view<{ since: bigint }>(rental, "getJob", jobId);
      await c.increaseTime(DAY + 1);
      await rejectsWith(send(rental, requester, "dispute", jobId), i, "ChallengeWindowClosed", [jobId, since + BigInt(DAY)]);
    });

    it("equal proposals resolve it: the provider's share minus floor(3%) and the rest to the requester, fee-free", async () => {
      const jobId = await disputed(1_000_001n);
      const i = rental.interface;
      await rejectsWith(send(rental, c.mallory, "proposeSplit", jobId, 1n), i, "NotParty", [jobId, c.mallory.address]);
      await rejectsWith(send(rental, provider, "proposeSplit", jobId, 1_000_002n), i, "ShareTooLarge", [1_000_002n, 1_000_001n]);
      await send(rental, provider, "proposeSplit", jobId, 800_000n);
      await send(rental, requester, "proposeSplit", jobId, 500_001n);
      assert.equal(await status(jobId), Status.Disputed, "different proposals settle nothing");

      const providerBefore = await c.balance(provider.address);
      const requesterBefore = await c.balance(requester.address);
      const agree = await send(rental, provider, "proposeSplit", jobId, 500_001n);
      const providerShare = 500_001n - fee(500_001n);
      assert.equal((await c.balance(provider.address)) - providerBefore + gasCost(agree), providerShare);
      assert.equal((await c.balance(requester.address)) - requesterBefore, 500_000n);
      assert.deepEqual(eventArgs(rental, agree, "Resolved"), { jobId, providerAmount: providerShare, fee: fee(500_001n), requesterAmount: 500_000n });
      assert.equal(await c.balance(await rental.getAddress()), fee(500_001n));
      await rejectsWith(send(rental, requester, "proposeSplit", jobId, 500_001n), i, "WrongJobStatus", [jobId, Status.Resolved]);
      await rejectsWith(send(rental, requester, "refund", jobId), i, "WrongJobStatus", [jobId, Status.Resolved]);
    });

    it("the provider conceding returns everything to the requester", async () => {
      const jobId = await disputed(1_000n);
      await rejectsWith(send(rental, requester, "concede", jobId), rental.interface, "NotProvider", [jobId, requester.address]);
      const before = await c.balance(requester.address);
      await send(rental, provider, "concede", jobId);
      assert.equal((await c.balance(requester.address)) - before, 1_000n);
      assert.equal(await c.balance(await rental.getAddress()), 0n);
      assert.equal(await status(jobId), Status.Resolved);
    });

    it("an unresolved dispute refunds the requester after the timeout, once", async () => {
      const jobId = await disputed(1_000n);
      await send(rental, provider, "proposeSplit", jobId, 1_000n);
      await c.increaseTime(7 * DAY + 1);
      const before = await c.balance(requester.address);
      const receipt = await send(rental, requester, "refund", jobId);
      assert.equal((await c.balance(requester.address)) - before + gasCost(receipt), 1_000n);
      await rejectsWith(send(rental, requester, "refund", jobId), rental.interface, "WrongJobStatus", [jobId, Status.Refunded]);
      await rejectsWith(send(rental, requester, "proposeSplit", jobId, 1_000n), rental.interface, "WrongJobStatus", [jobId, Status.Refunded]);
    });
  });

  describe("ERC-20 payments", () => {
    it("lock and confirm in an allowed token move exact token amounts", async () => {
      const token = await c.deploy("TestToken");
      const tokenAddress = await token.getAddress();
      await send(rental, c.owner, "setTokenAllowed", tokenAddress, true);
      await send(token, requester, "mint", requester.address, 1_000_001n);
      await send(token, requester, "approve", await rental.getAddress(), 1_000_001n);
      const jobId = await locked(1_000_001n, { token: tokenAddress });
      await send(rental, provider, "submitResult", jobId, RESULT);
      await send(rental, requester, "confirm", jobId);
      assert.equal(await view(token, "balanceOf", provider.address), 1_000_001n - 30_000n);
      assert.equal(await view(rental, "feesOwed", tokenAddress), 30_000n);
      assert.equal(await view(token, "balanceOf", await rental.getAddress()), 30_000n);
    });

    it("a token whose transferFrom returns false cannot lock a job", async () => {
      const token = await c.deploy("FalseReturningToken");
      const tokenAddress = await token.getAddress();
      await send(rental, c.owner, "setTokenAllowed", tokenAddress, true);
      const deadline = (await c.now()) + DAY;
      await rejectsWith(send(rental, requester, "lock", provider.address, tokenAddress, 5n, deadline, JOB), rental.interface, "SafeERC20FailedOperation", [tokenAddress]);
    });
  });

  describe("reentrancy", () => {
    it("a provider contract that re-enters claim from its receive hook is paid once", async () => {
      const attacker = await c.deploy("ReentrancyAttacker");
      const attackerAddress = await attacker.getAddress();
      const rentalAddress = await rental.getAddress();
      const deadline = (await c.now()) + DAY;
      await send(rental, requester, "lock", attackerAddress, ETH, 1_000n, deadline, JOB, { value: 1_000n });
      const jobId = await view<bigint>(rental, "jobIdOf", requester.address, JOB);
      await send(attacker, c.mallory, "execute", rentalAddress, rental.interface.encodeFunctionData("submitResult", [jobId, RESULT]));
      await c.increaseTime(DAY + 1);
      const claim = rental.interface.encodeFunctionData("claim", [jobId]);
      await send(attacker, c.mallory, "setReentry", rentalAddress, claim);
      await send(attacker, c.mallory, "execute", rentalAddress, claim);

      assert.equal(await view(attacker, "attempted"), true);
      assert.equal(await view(attacker, "reentered"), false);
      assert.equal(rental.interface.parseError(await view<string>(attacker, "reentryError"))?.name, "ReentrancyGuardReentrantCall");
      assert.equal(await c.balance(attackerAddress), 970n);
      assert.equal(await c.balance(rentalAddress), 30n);
    });
  });
});
