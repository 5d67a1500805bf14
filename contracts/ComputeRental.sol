// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EscrowPayments} from "./EscrowPayments.sol";

/// @title ComputeRental
/// @notice Escrow for compute jobs: the requester locks the awarded bid's price, the provider
/// submits a result hash, and the price is released to the provider (minus the 3% fee) or
/// returned to the requester.
/// @dev Lifecycle (`JobStatus`):
///   Locked    --submitResult (provider, by the deadline)--------------------> Submitted
///   Locked    --refund (requester, after the deadline)----------------------> Refunded
///   Submitted --confirm (requester, any time before a claim)----------------> Released
///   Submitted --claim (provider, after the challenge window)----------------> Released
///   Submitted --dispute (requester, within the challenge window)-----------> Disputed
///   Disputed  --both parties propose the same provider share (proposeSplit)-> Resolved
///   Disputed  --concede (provider): everything back to the requester-------> Resolved
///   Disputed  --refund (requester, after the dispute timeout)--------------> Refunded
/// A dispute freezes the funds: nothing moves until the parties agree, the provider concedes or
/// the timeout passes. The timeout favours the requester because the provider's result could not
/// be verified; the requester's money stays locked for as long, so disputing buys nothing but
/// delay. The fee is charged only on what the provider receives, never on a refund.
///
/// Every payout (to the provider or the requester) is pushed, or credited to the payee in `owed`
/// when it cannot receive (see EscrowPayments): a party that cannot receive never blocks the
/// other's release or refund, and takes its credit later with `withdraw`.
///
/// A job's id is `jobIdOf(requester, jobHash)`: a requester cannot lock the same job twice, and
/// nodes compute the id without reading the chain. The job and result hashes live in events only.
///
/// Fee rounding: floor(amount * 300 / 10_000) (see FeeMath); the provider gets the rest.
contract ComputeRental is EscrowPayments {
    enum JobStatus {
        None,
        Locked,
        Submitted,
        Disputed,
        Released,
        Refunded,
        Resolved
    }

    /// @dev Three slots. `since` is when the job entered its current status, which starts the
    /// challenge window (Submitted) or the dispute timeout (Disputed).
    struct Job {
        address requester;
        uint40 deadline;
        uint40 since;
        JobStatus status;
        address provider;
        uint96 price;
        address paymentToken;
    }

    /// @dev Each party's proposed provider share, stored plus one so that 0 means "no proposal".
    struct Proposals {
        uint128 byRequester;
        uint128 byProvider;
    }

    /// @notice Seconds after a result during which the requester may dispute it.
    uint256 public immutable challengeWindow;
    /// @notice Seconds a dispute may stay unresolved before the requester can take a refund.
    uint256 public immutable disputeTimeout;

    mapping(uint256 jobId => Job) private _jobs;
    mapping(uint256 jobId => Proposals) private _proposals;

    event Locked(uint256 indexed jobId, address indexed requester, address indexed provider, bytes32 jobHash, address paymentToken, uint256 price, uint40 deadline);
    event ResultSubmitted(uint256 indexed jobId, address indexed provider, bytes32 resultHash);
    event Confirmed(uint256 indexed jobId, uint256 providerAmount, uint256 fee);
    event Claimed(uint256 indexed jobId, uint256 providerAmount, uint256 fee);
    event Refunded(uint256 indexed jobId, address indexed requester, uint256 amount);
    event Disputed(uint256 indexed jobId, address indexed requester);
    event SplitProposed(uint256 indexed jobId, address indexed by, uint256 providerShare);
    event Resolved(uint256 indexed jobId, uint256 providerAmount, uint256 fee, uint256 requesterAmount);

    error JobExists(uint256 jobId);
    error InvalidProvider(address provider);
    error DeadlineInPast(uint40 deadline);
    error WrongJobStatus(uint256 jobId, JobStatus status);
    error NotRequester(uint256 jobId, address caller);
    error NotProvider(uint256 jobId, address caller);
    error NotParty(uint256 jobId, address caller);
    error DeadlinePassed(uint256 jobId, uint40 deadline);
    error RefundNotDue(uint256 jobId, uint256 availableAt);
    error ChallengeWindowOpen(uint256 jobId, uint256 closesAt);
    error ChallengeWindowClosed(uint256 jobId, uint256 closedAt);
    error ShareTooLarge(uint256 share, uint256 price);

    /// @param initialOwner manages the fee recipient and the ERC-20 allow list
    /// @param initialFeeRecipient receives the 3% fee
    /// @param challengeWindow_ seconds the requester has to dispute a submitted result (1 s to MAX_WINDOW)
    /// @param disputeTimeout_ seconds after which an unresolved dispute refunds the requester (1 s to MAX_WINDOW)
    constructor(address initialOwner, address initialFeeRecipient, uint256 challengeWindow_, uint256 disputeTimeout_)
        EscrowPayments(initialOwner, initialFeeRecipient)
    {
        _checkWindow(challengeWindow_);
        _checkWindow(disputeTimeout_);
        challengeWindow = challengeWindow_;
        disputeTimeout = disputeTimeout_;
    }

    /// @notice Locks the awarded price in escrow for `provider` to run the job by `deadline`.
    /// @dev Pay the price as msg.value for ETH, or approve the ERC-20 first.
    /// @param provider the provider whose bid won
    /// @param paymentToken `ETH` or an allowed ERC-20
    /// @param price the bid's price, 1 to 2^96 - 1 base units
    /// @param deadline unix time by which the provider must submit a result
    /// @param jobHash hash of the signed job record
    /// @return jobId `jobIdOf(msg.sender, jobHash)`
    function lock(address provider, address paymentToken, uint256 price, uint40 deadline, bytes32 jobHash) external payable nonReentrant returns (uint256 jobId) {
        if (provider == address(0) || provider == msg.sender) revert InvalidProvider(provider);
        if (deadline <= block.timestamp) revert DeadlineInPast(deadline);
        _checkPrice(paymentToken, price);
        jobId = jobIdOf(msg.sender, jobHash);
        if (_jobs[jobId].status != JobStatus.None) revert JobExists(jobId);

        _jobs[jobId] = Job(msg.sender, deadline, uint40(block.timestamp), JobStatus.Locked, provider, uint96(price), paymentToken);
        emit Locked(jobId, msg.sender, provider, jobHash, paymentToken, price, deadline);
        _collect(paymentToken, price);
    }

    /// @notice Records the result's hash, which starts the challenge window. Provider only, by
    /// the deadline.
    /// @param jobId the job
    /// @param resultHash hash of the result (for instance of the outputs' manifest)
    function submitResult(uint256 jobId, bytes32 resultHash) external {
        Job storage job = _jobs[jobId];
        _requireStatus(jobId, job, JobStatus.Locked);
        if (msg.sender != job.provider) revert NotProvider(jobId, msg.sender);
        if (block.timestamp > job.deadline) revert DeadlinePassed(jobId, job.deadline);
        (job.status, job.since) = (JobStatus.Submitted, uint40(block.timestamp));
        emit ResultSubmitted(jobId, msg.sender, resultHash);
    }

    /// @notice Accepts the result: the price minus the fee goes to the provider. Requester only.
    /// @param jobId the job
    function confirm(uint256 jobId) external nonReentrant {
        Job storage job = _jobs[jobId];
        _requireStatus(jobId, job, JobStatus.Submitted);
        if (msg.sender != job.requester) revert NotRequester(jobId, msg.sender);
        job.status = JobStatus.Released;
        (address token, address provider) = (job.paymentToken, job.provider);
        (uint256 fee, uint256 net) = _takeFee(token, job.price);
        emit Confirmed(jobId, net, fee);
        _pay(token, provider, net);
    }

    /// @notice Takes the payment once the challenge window has passed with no dispute. Provider only.
    /// @param jobId the job
    function claim(uint256 jobId) external nonReentrant {
        Job storage job = _jobs[jobId];
        _requireStatus(jobId, job, JobStatus.Submitted);
        if (msg.sender != job.provider) revert NotProvider(jobId, msg.sender);
        uint256 closesAt = uint256(job.since) + challengeWindow;
        if (block.timestamp <= closesAt) revert ChallengeWindowOpen(jobId, closesAt);
        job.status = JobStatus.Released;
        address token = job.paymentToken;
        (uint256 fee, uint256 net) = _takeFee(token, job.price);
        emit Claimed(jobId, net, fee);
        _pay(token, msg.sender, net);
    }

    /// @notice Returns the whole price to the requester: after the deadline when no result was
    /// submitted, or after the dispute timeout when a dispute was not resolved. Requester only.
    /// @param jobId the job
    function refund(uint256 jobId) external nonReentrant {
        Job storage job = _jobs[jobId];
        uint256 availableAt;
        if (job.status == JobStatus.Locked) availableAt = job.deadline;
        else if (job.status == JobStatus.Disputed) availableAt = uint256(job.since) + disputeTimeout;
        else revert WrongJobStatus(jobId, job.status);
        if (msg.sender != job.requester) revert NotRequester(jobId, msg.sender);
        if (block.timestamp <= availableAt) revert RefundNotDue(jobId, availableAt);
        job.status = JobStatus.Refunded;
        uint256 amount = job.price;
        emit Refunded(jobId, msg.sender, amount);
        _pay(job.paymentToken, msg.sender, amount);
    }

    /// @notice Contests a submitted result within the challenge window, freezing the funds until
    /// the parties agree on a split (`proposeSplit`), the provider concedes (`concede`) or the
    /// dispute timeout refunds the requester (`refund`). Requester only.
    /// @param jobId the job
    function dispute(uint256 jobId) external {
        Job storage job = _jobs[jobId];
        _requireStatus(jobId, job, JobStatus.Submitted);
        if (msg.sender != job.requester) revert NotRequester(jobId, msg.sender);
        uint256 closesAt = uint256(job.since) + challengeWindow;
        if (block.timestamp > closesAt) revert ChallengeWindowClosed(jobId, closesAt);
        (job.status, job.since) = (JobStatus.Disputed, uint40(block.timestamp));
        emit Disputed(jobId, msg.sender);
    }

    /// @notice Proposes how much of the price the provider gets; when both parties' latest
    /// proposals are equal the dispute is resolved: that share (minus the fee on it) to the
    /// provider, the rest to the requester. Requester or provider, while disputed.
    /// @param jobId the job
    /// @param providerShare base units of the price for the provider, 0 to the full price
    function proposeSplit(uint256 jobId, uint256 providerShare) external nonReentrant {
        Job storage job = _jobs[jobId];
        _requireStatus(jobId, job, JobStatus.Disputed);
        if (providerShare > job.price) revert ShareTooLarge(providerShare, job.price);
        Proposals storage proposals = _proposals[jobId];
        uint128 encoded = uint128(providerShare) + 1;
        if (msg.sender == job.requester) proposals.byRequester = encoded;
        else if (msg.sender == job.provider) proposals.byProvider = encoded;
        else revert NotParty(jobId, msg.sender);
        emit SplitProposed(jobId, msg.sender, providerShare);
        if (proposals.byRequester == proposals.byProvider) _resolve(jobId, job, providerShare);
    }

    /// @notice Gives up a disputed job: the whole price goes back to the requester. Provider only.
    /// @param jobId the job
    function concede(uint256 jobId) external nonReentrant {
        Job storage job = _jobs[jobId];
        _requireStatus(jobId, job, JobStatus.Disputed);
        if (msg.sender != job.provider) revert NotProvider(jobId, msg.sender);
        _resolve(jobId, job, 0);
    }

    /// @notice The id of `requester`'s job with hash `jobHash` (whether or not it is locked yet).
    function jobIdOf(address requester, bytes32 jobHash) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(requester, jobHash)));
    }

    /// @notice A job by id (all zero when there is none).
    function getJob(uint256 jobId) external view returns (Job memory) {
        return _jobs[jobId];
    }

    /// @notice The parties' current split proposals in a dispute (`hasX` false: none yet).
    function getProposals(uint256 jobId) external view returns (bool hasRequester, uint256 requesterShare, bool hasProvider, uint256 providerShare) {
        Proposals storage p = _proposals[jobId];
        hasRequester = p.byRequester != 0;
        hasProvider = p.byProvider != 0;
        requesterShare = hasRequester ? p.byRequester - 1 : 0;
        providerShare = hasProvider ? p.byProvider - 1 : 0;
    }

    function _resolve(uint256 jobId, Job storage job, uint256 providerShare) private {
        job.status = JobStatus.Resolved;
        delete _proposals[jobId];
        (address token, address provider, address requester) = (job.paymentToken, job.provider, job.requester);
        uint256 toRequester = job.price - providerShare;
        (uint256 fee, uint256 net) = _takeFee(token, providerShare);
        emit Resolved(jobId, net, fee, toRequester);
        _pay(token, provider, net);
        _pay(token, requester, toRequester);
    }

    function _requireStatus(uint256 jobId, Job storage job, JobStatus expected) private view {
        if (job.status != expected) revert WrongJobStatus(jobId, job.status);
    }
}
