// Amounts from the chain, formatted exactly with bigint: the extension bundle does not carry ethers.

/**
 * `amount` base units (wei, or a token's smallest unit) in whole units of `decimals` decimals, exact,
 * without trailing zeros: formatUnits(1500000000000000000n) === "1.5", formatUnits(1n) === "0.000000000000000001".
 */
export function formatUnits(amount: bigint | string, decimals = 18): string {
  const value = typeof amount === "bigint" ? amount : BigInt(amount);
  if (value < 0n) throw new RangeError(`a negative amount: ${value}`);
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be a whole number >= 0, not ${decimals}`);
  const unit = 10n ** BigInt(decimals);
  const whole = (value / unit).toString();
  const fraction = (value % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/** A wei amount in ETH, with its unit: "1.5 ETH". */
export function formatEther(wei: bigint | string): string {
  return `${formatUnits(wei)} ETH`;
}
