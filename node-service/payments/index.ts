// Payments on-chain: connect to a chain, deploy or load the contracts, call them, follow their events.
export { Chain, type ChainOptions, type SendOptions } from "./chain.ts";
export { Marketplace, ComputeEscrow, ETH, PurchaseStatus, JobStatus, purchaseIdOf, jobIdOf, type Listing, type ListingInput, type Purchase, type Job } from "./contracts.ts";
export { deployAll, loadArtifacts, readDeployment, writeDeployment, deploymentPath, DEFAULT_WINDOWS, CONTRACT_NAMES, type Deployment, type DeployOptions, type DeployedContract, type ContractArtifacts, type ContractName } from "./deployment.ts";
export { ContractRevertError, decodeRevert, type DecodedRevert } from "./errors.ts";
export { EventFollower, type ChainEvent, type CursorStore, type EventCursor, type FollowerOptions, type FollowerState, type EscrowEventArgs, type MarketplaceEventArgs, type RentalEventArgs } from "./events.ts";
export { splitFee, FEE_BPS, BPS_DENOMINATOR } from "./fees.ts";
export { PaymentsService, DEFAULT_DEPLOYMENTS_DIR, LOCAL_CHAIN_ID, type PaymentsOptions } from "./service.ts";
export { ChainStatusSchema, WalletBalancesSchema, type ChainStatus, type ChainStateName, type WalletBalances } from "./status.ts";
