// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EscrowPayments} from "../EscrowPayments.sol";
import {vm, bound, expectedFee, ETH} from "./Cheats.sol";

/// What both invariant handlers share: their own books of the escrow (ghosts) and the breaches
/// they look for, fee withdrawals and time jumps.
abstract contract EscrowHandler {
    address public constant FEE_RECIPIENT = address(0xFEE);

    mapping(uint256 id => bool) public settled;
    /// ETH held for open escrows, and fees released but not withdrawn, as the handler counts them
    uint256 public held;
    uint256 public fees;
    bool public secondPayout;
    bool public wrongSplit;

    function escrow() public view virtual returns (EscrowPayments);

    function withdrawFees() external {
        uint256 before = FEE_RECIPIENT.balance;
        try escrow().withdrawFees(ETH) {
            _expectReceived(FEE_RECIPIENT, before, fees);
            fees = 0;
        } catch {}
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 0, 2 days));
    }

    function _opened(uint256 id, uint256 amount) internal {
        settled[id] = false;
        held += amount;
    }

    /// Books the settlement of escrow `id` (`amount` held, of which `feeBase` paid to a payee and
    /// charged the fee); a second settlement of the same escrow is the breach we look for.
    function _settle(uint256 id, uint256 amount, uint256 feeBase) internal {
        if (settled[id]) secondPayout = true;
        settled[id] = true;
        held -= amount;
        fees += expectedFee(feeBase);
    }

    function _expectReceived(address who, uint256 before, uint256 amount) internal {
        if (who.balance - before != amount) wrongSplit = true;
    }
}

/// Points the invariant fuzzer at the handler only, and checks the books every handler keeps.
abstract contract EscrowInvariantTest {
    function handler() internal view virtual returns (EscrowHandler);

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler());
    }

    /// The escrow holds exactly what is owed (open escrows + fees), fees are the floor of 3% of
    /// each payout that carries one, every payout matched the promised split, nothing paid twice.
    function _checkBooks() internal view {
        EscrowHandler h = handler();
        EscrowPayments e = h.escrow();
        require(address(e).balance == h.held() + e.feesOwed(ETH), "balance != open escrows + fees");
        require(e.feesOwed(ETH) == h.fees(), "fees != sum of floor(3%) of payouts");
        require(!h.wrongSplit(), "a payout differed from what the contract promises");
        require(!h.secondPayout(), "an escrow paid out twice");
    }
}
