// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ComputeRental} from "./ComputeRental.sol";
import {EscrowPayments} from "./EscrowPayments.sol";
import {vm, bound, expectedFee, ETH} from "./test/Cheats.sol";
import {EscrowHandler, EscrowInvariantTest} from "./test/EscrowHandler.sol";
import {TestPayee} from "./test/TestPayee.sol";

/// Drives the job escrow through random sequences of every transition and time jumps, with
/// requesters and providers that may reject ETH or burn the gas they are given.
contract RentalHandler is EscrowHandler {
    ComputeRental public immutable rental;
    address[] internal requesters;
    address[] internal providers;
    uint256[] internal jobIds;
    uint256 internal jobNonce;

    constructor() {
        rental = new ComputeRental(address(this), FEE_RECIPIENT, 1 hours, 1 days);
        requesters = [_account(address(0xA001)), _payeeContract(TestPayee.Mode.Reject)];
        providers = [_account(address(0xC001)), _payeeContract(TestPayee.Mode.Reject), _payeeContract(TestPayee.Mode.BurnGas)];
    }

    function escrow() public view override returns (EscrowPayments) {
        return rental;
    }

    function lock(uint256 partySeed, uint256 price, uint256 duration) external {
        price = bound(price, 1, 1_000 ether);
        address requester = requesters[partySeed % requesters.length];
        address provider = providers[(partySeed / 2) % providers.length];
        uint40 deadline = uint40(block.timestamp + bound(duration, 1, 2 days));
        vm.deal(requester, price);
        vm.prank(requester);
        uint256 jobId = rental.lock{value: price}(provider, ETH, price, deadline, bytes32(++jobNonce));
        jobIds.push(jobId);
        _opened(jobId, price);
    }

    function submitResult(uint256 jobSeed) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        vm.prank(job.provider);
        try rental.submitResult(jobId, bytes32(jobSeed)) {} catch {}
    }

    function confirm(uint256 jobSeed) external {
        _settleVia(jobSeed, rental.confirm, false, true);
    }

    function claim(uint256 jobSeed) external {
        _settleVia(jobSeed, rental.claim, true, true);
    }

    function refund(uint256 jobSeed) external {
        _settleVia(jobSeed, rental.refund, false, false);
    }

    function concede(uint256 jobSeed) external {
        _settleVia(jobSeed, rental.concede, true, false);
    }

    function dispute(uint256 jobSeed) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        vm.prank(job.requester);
        try rental.dispute(jobId) {} catch {}
    }

    /// Either party proposes; a quarter of the seeds pick half the price, so the two often agree.
    function proposeSplit(uint256 jobSeed, uint256 share, bool byProvider) external {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        share = share % 4 == 0 ? job.price / 2 : bound(share, 0, job.price);
        Before memory provider = _before(job.provider);
        Before memory requester = _before(job.requester);
        vm.prank(byProvider ? job.provider : job.requester);
        try rental.proposeSplit(jobId, share) {
            if (rental.getJob(jobId).status != ComputeRental.JobStatus.Resolved) return;
            _settle(jobId, job.price, share);
            _expectPaid(provider, share - expectedFee(share));
            _expectPaid(requester, job.price - share);
        } catch {}
    }

    /// Calls a whole-price settlement as one party; it pays the provider (minus the fee) or
    /// returns everything to the requester.
    function _settleVia(uint256 jobSeed, function(uint256) external settle, bool byProvider, bool paysProvider) private {
        (uint256 jobId, ComputeRental.Job memory job) = _pick(jobSeed);
        if (jobId == 0) return;
        Before memory payee = _before(paysProvider ? job.provider : job.requester);
        vm.prank(byProvider ? job.provider : job.requester);
        try settle(jobId) {
            uint256 feeBase = paysProvider ? job.price : 0;
            _settle(jobId, job.price, feeBase);
            _expectPaid(payee, job.price - expectedFee(feeBase));
        } catch {}
    }

    function _pick(uint256 seed) private view returns (uint256 jobId, ComputeRental.Job memory job) {
        if (jobIds.length == 0) return (0, job);
        jobId = jobIds[seed % jobIds.length];
        job = rental.getJob(jobId);
    }
}

/// Invariants (random call sequences against the handler) and fuzzed unit tests of the job escrow.
contract ComputeRentalTest is EscrowInvariantTest {
    RentalHandler internal rentalHandler;

    function setUp() public {
        rentalHandler = new RentalHandler();
    }

    function handler() internal view override returns (EscrowHandler) {
        return rentalHandler;
    }

    /// Checked after every call of a random sequence (see EscrowInvariantTest._checkBooks).
    function invariantBooksBalance() public view {
        _checkBooks();
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
