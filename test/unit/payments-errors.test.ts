import assert from "node:assert/strict";
import { Interface, ZeroAddress, getAddress } from "ethers";
import { ContractRevertError, decodeRevert } from "../../node-service/payments/errors.ts";

const iface = new Interface([
  "error NothingOwed(address token, address account)",
  "error PaymentFailed(address to, uint256 amount)",
  "error NotSeller(uint256 purchaseId, address caller)",
]);
const WHO = getAddress("0x00000000000000000000000000000000000000a1");
const TOKEN = getAddress("0x00000000000000000000000000000000000000b2");

function refusal(error: string, args: unknown[]): ContractRevertError {
  return new ContractRevertError("withdrawing", decodeRevert([iface], iface.encodeErrorResult(error, args)), new Error("reverted"));
}

describe("payments revert messages", () => {
  it("explains NothingOwed and PaymentFailed in words, keeping the decoded error", () => {
    const nothing = refusal("NothingOwed", [ZeroAddress, WHO]);
    assert.equal(nothing.errorName, "NothingOwed");
    assert.deepEqual(nothing.args, { token: ZeroAddress, account: WHO });
    assert.equal(
      nothing.message,
      `withdrawing was refused by the contract: nothing is owed to ${WHO} in ETH (no payment to it was deferred, or it was already withdrawn) [NothingOwed(token=${ZeroAddress}, account=${WHO})]; nothing was sent`,
    );
    assert.match(refusal("NothingOwed", [TOKEN, WHO]).message, new RegExp(`in token ${TOKEN} `));

    const failed = refusal("PaymentFailed", [WHO, 970n]);
    assert.equal(failed.errorName, "PaymentFailed");
    assert.match(failed.message, new RegExp(`${WHO} cannot receive the 970 sent to it, so it stays owed in the contract until it can \\[PaymentFailed\\(to=${WHO}, amount=970\\)\\]`));
  });

  it("gives other errors by name and arguments", () => {
    assert.equal(refusal("NotSeller", [7n, WHO]).message, `withdrawing was refused by the contract: NotSeller(purchaseId=7, caller=${WHO}); nothing was sent`);
  });
});
