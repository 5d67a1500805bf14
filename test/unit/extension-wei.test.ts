import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { formatEther, formatUnits } from "../../extension/wei.ts";

const ETH = 10n ** 18n;

describe("the extension's wei formatter", () => {
  it("formats wei in ETH exactly, without trailing zeros", () => {
    const cases: Array<[bigint | string, string]> = [
      [0n, "0"],
      [1n, "0.000000000000000001"],
      [10n * ETH, "10"],
      [ETH + ETH / 2n, "1.5"],
      [ETH / 10n, "0.1"],
      [123_450_000_000_000_000n, "0.12345"],
      [ETH - 1n, "0.999999999999999999"],
      [1_000_000n * ETH + 1n, "1000000.000000000000000001"],
      [2n ** 256n - 1n, "115792089237316195423570985008687907853269984665640564039457.584007913129639935"],
      ["10000000000000000000", "10"],
      ["0", "0"],
    ];
    for (const [wei, eth] of cases) assert.equal(formatUnits(wei), eth, `${wei} wei`);
    assert.equal(formatEther(ETH + ETH / 2n), "1.5 ETH");
  });

  it("formats other decimals, including none", () => {
    assert.equal(formatUnits(1_500_000n, 6), "1.5");
    assert.equal(formatUnits(1n, 6), "0.000001");
    assert.equal(formatUnits(42n, 0), "42");
  });

  it("reads back to the same amount for random values up to 2^256", () => {
    for (let i = 0; i < 1_000; i++) {
      const wei = BigInt("0x" + randomBytes(1 + (i % 32)).toString("hex"));
      const [whole, fraction = ""] = formatUnits(wei).split(".");
      assert.ok(!fraction.endsWith("0"), `no trailing zero in ${formatUnits(wei)}`);
      assert.equal(BigInt(whole!) * ETH + BigInt(fraction.padEnd(18, "0")), wei);
    }
  });

  it("refuses negative amounts, bad decimals and strings that are not whole numbers", () => {
    assert.throws(() => formatUnits(-1n), RangeError);
    assert.throws(() => formatUnits(1n, -1), RangeError);
    assert.throws(() => formatUnits(1n, 1.5), RangeError);
    assert.throws(() => formatUnits("1.5"), SyntaxError);
  });
});
