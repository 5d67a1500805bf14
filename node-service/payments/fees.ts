/** The marketplace fee, mirroring contracts/FeeMath.sol exactly: 3.00% in basis points. */
export const FEE_BPS = 300n;
export const BPS_DENOMINATOR = 10_000n;

/**
 * Splits an amount (base units: wei for ETH) the way the contracts release it: the fee is the floor
 * of 3%, the payee gets the rest, so the two always add up to the amount.
 */
export function splitFee(amount: bigint): { fee: bigint; payee: bigint } {
  if (amount < 0n) throw new RangeError(`amount must not be negative: ${amount}`);
  const fee = (amount * FEE_BPS) / BPS_DENOMINATOR;
  return { fee, payee: amount - fee };
}
