// What the node tells about its chain and wallet: one schema each, for the payments service, the
// local API and the extension alike.
import Type, { type Static } from "typebox";

/** The node's chain: the state of its RPC connection and whether the contracts are deployed there. */
export const ChainStatusSchema = Type.Object({
  state: Type.Union([Type.Literal("off"), Type.Literal("connecting"), Type.Literal("ready"), Type.Literal("unavailable"), Type.Literal("error")]),
  chainId: Type.Union([Type.Integer(), Type.Null()]),
  rpcUrl: Type.Union([Type.String(), Type.Null()]),
  /** both contracts are deployed on this chain (deployments/<chainId>.json) */
  contracts: Type.Boolean(),
  /** why the chain is unavailable or refused, or why the contracts are missing */
  message: Type.Optional(Type.String()),
});
export type ChainStatus = Static<typeof ChainStatusSchema>;
export type ChainStateName = ChainStatus["state"];

const Wei = Type.String({ pattern: "^[0-9]+$", description: "an amount in wei (or a token's base units) as a decimal string" });
export const WalletBalancesSchema = Type.Object({
  eth: Wei,
  token: Type.Optional(
    Type.Object({
      address: Type.String(),
      balance: Wei,
      /** the token's own decimals() and symbol(); null when it does not say */
      decimals: Type.Union([Type.Integer({ minimum: 0, maximum: 77 }), Type.Null()]),
      symbol: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]),
    }),
  ),
});
export type WalletBalances = Static<typeof WalletBalancesSchema>;
