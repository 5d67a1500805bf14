import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { splitFee } from "../../node-service/payments/fees.ts";

describe("payments fee math (mirrors contracts/FeeMath.sol)", () => {
  it("takes the floor of 3% and gives the payee the rest, to the wei", () => {
    const cases: Array<[bigint, bigint]> = [
      [0n, 0n],
      [1n, 0n],
      [33n, 0n],
      [34n, 1n],
      [1_000_001n, 30_000n],
      [10n ** 18n, 3n * 10n ** 16n],
      [2n ** 96n - 1n, ((2n ** 96n - 1n) * 3n) / 100n],
    ];
    for (const [amount, fee] of cases) assert.deepEqual(splitFee(amount), { fee, payee: amount - fee }, `amount ${amount}`);
  });

  it("never loses or creates a wei, and is the floor of 3% for random amounts up to 2^256", () => {
    for (let i = 0; i < 2_000; i++) {
      const amount = BigInt("0x" + randomBytes(1 + (i % 32)).toString("hex"));
      const { fee, payee } = splitFee(amount);
      assert.equal(fee + payee, amount);
      assert.ok(fee * 10_000n <= amount * 300n && (fee + 1n) * 10_000n > amount * 300n, `floor(3%) of ${amount}`);
    }
  });

  it("refuses a negative amount", () => {
    assert.throws(() => splitFee(-1n), RangeError);
  });
});
