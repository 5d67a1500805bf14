// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ComputeRental} from "./ComputeRental.sol";
import {vm, bound, expectedFee, ETH} from "./test/Cheats.sol";

/// Drives the job escrow through random sequences of every transition and time jumps, keeping
/// its own books (ghosts) to compare with the contract's.
contract RentalHandler {
    ComputeRental public immutable rental;
    address public constant FEE_RECIPIENT = address(0xFEE);
    address[2] internal requesters = [address(0xA001), address(0xA002)];
    address[2] internal providers = [address(0xC001), address(0xC002)];

    uint256[] internal jobIds;
    uint256 internal jobNonce;
    mapping(uint256 jobId => bool) public settled;
    /// ghosts: ETH held for open jobs, fees released and not withdrawn, and breaches
    uint256 public held;
    uint256 public fees;
    bool public secondPayout;
    bool public wrongSplit;

    constructor() {
        rental = new ComputeRental(address(this), FEE_RECIPIENT, 1 hours, 1 days);
    }

    function lock(uint256 partySeed, uint256 price, uint256 duration) external {
        price = bound(price, 1, 1_000 ether);
        address requester = requesters[partySeed % 2];
        address provider = providers[(partySeed / 2) % 2];
        uint40 deadline = uint40(block.timestamp + bound(duration, 1, 2 days));
        vm.deal(requester, price);
        vm.prank(requester);
        uint256 jobId = rental.lock{value: price}(provider, ETH, price, deadline, bytes32(++jobNonce));
        jobIds.push(jobId);
        held += price;
    }

    function submitResult(uint256 jobSeed) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        vm.prank(job.provider);
        try rental.submitResult(jobId, bytes32(jobSeed)) {} catch {}
    }

    function confirm(uint256 jobSeed) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        uint256 before = job.provider.balance;
        vm.prank(job.requester);
        try rental.confirm(jobId) {
            _paid(jobId, job.price, job.price);
            if (job.provider.balance - before != job.price - expectedFee(job.price)) wrongSplit = true;
        } catch {}
    }

    function claim(uint256 jobSeed) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        uint256 before = job.provider.balance;
        vm.prank(job.provider);
        try rental.claim(jobId) {
            _paid(jobId, job.price, job.price);
            if (job.provider.balance - before != job.price - expectedFee(job.price)) wrongSplit = true;
        } catch {}
    }

    function refund(uint256 jobSeed) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        uint256 before = job.requester.balance;
        vm.prank(job.requester);
        try rental.refund(jobId) {
            _paid(jobId, job.price, 0);
            if (job.requester.balance - before != job.price) wrongSplit = true;
        } catch {}
    }

    function dispute(uint256 jobSeed) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        vm.prank(job.requester);
        try rental.dispute(jobId) {} catch {}
    }

    /// Both parties propose; they agree when the seeds pick the same share.
    function proposeSplit(uint256 jobSeed, uint256 share, bool byProvider) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        share = bound(share, 0, job.price) % 4 == 0 ? job.price / 2 : bound(share, 0, job.price);
        uint256 providerBefore = job.provider.balance;
        uint256 requesterBefore = job.requester.balance;
        vm.prank(byProvider ? job.provider : job.requester);
        try rental.proposeSplit(jobId, share) {
            if (rental.getJob(jobId).status != ComputeRental.JobStatus.Resolved) return;
            _paid(jobId, job.price, share);
            if (job.provider.balance - providerBefore != share - expectedFee(share)) wrongSplit = true;
            if (job.requester.balance - requesterBefore != job.price - share) wrongSplit = true;
        } catch {}
    }

    function concede(uint256 jobSeed) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        uint256 before = job.requester.balance;
        vm.prank(job.provider);
        try rental.concede(jobId) {
            _paid(jobId, job.price, 0);
            if (job.requester.balance - before != job.price) wrongSplit = true;
        } catch {}
    }

    function withdrawFees() external {
        uint256 before = FEE_RECIPIENT.balance;
        try rental.withdrawFees(ETH) {
            if (FEE_RECIPIENT.balance - before != fees) wrongSplit = true;
            fees = 0;
        } catch {}
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 0, 2 days));
    }

    function _pick(uint256 seed) private view returns (uint256 jobId, ComputeRental.Job memory job) {
        if (jobIds.length == 0) return (0, job);
        jobId = jobIds[seed % jobIds.length];
        job = rental.getJob(jobId);
    }

    /// Books a settlement; a job settled twice is the breach we look for.
    function _paid(uint256 jobId, uint256 price, uint256 providerShare) private {
        if (settled[jobId]) secondPayout = true;
        settled[jobId] = true;
        held -= price;
        fees += expectedFee(providerShare);
    }
}

/// Invariants (random call sequences against the handler) and fuzzed unit tests of the job escrow.
contract ComputeRentalTest {
    RentalHandler internal handler;

    function setUp() public {
        handler = new RentalHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// One campaign checks every property after each call: the escrow holds exactly what is owed
    /// (open jobs + fees), fees are the floor of 3% of each provider payout, every payout matched
    /// the promised split, and no job paid out twice.
    function invariantBooksBalance() public view {
        ComputeRental rental = handler.rental();
        require(address(rental).balance == handler.held() + rental.feesOwed(ETH), "balance != open jobs + fees");
        require(rental.feesOwed(ETH) == handler.fees(), "fees != sum of floor(3%) of provider payouts");
        require(!handler.wrongSplit(), "a payout differed from what the contract promises");
        require(!handler.secondPayout(), "a job paid out twice");
    }

    function testFuzzAgreedSplitPaysBothSidesExactly(uint96 price, uint96 share) public {
        price = uint96(bound(price, 1, type(uint96).max));
        share = uint96(bound(share, 0, price));
        ComputeRental rental = new ComputeRental(address(this), address(0xFEE), 1 hours, 1 days);
        (address requester, address provider) = (address(0xA001), address(0xC001));
        vm.deal(requester, price);
        vm.prank(requester);
        uint256 jobId = rental.lock{value: price}(provider, ETH, price, uint40(block.timestamp + 1 days), bytes32(uint256(1)));
        vm.prank(provider);
        rental.submitResult(jobId, bytes32(uint256(2)));
        vm.prank(requester);
        rental.dispute(jobId);
        vm.prank(requester);
        rental.proposeSplit(jobId, share);
        vm.prank(provider);
        rental.proposeSplit(jobId, share);
        require(provider.balance == share - expectedFee(share), "provider gets its share minus floor(3%)");
        require(requester.balance == price - share, "requester gets the rest, fee-free");
        require(address(rental).balance == expectedFee(share) && rental.feesOwed(ETH) == expectedFee(share), "only the fee stays");
    }
}
