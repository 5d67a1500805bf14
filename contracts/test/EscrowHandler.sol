// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EscrowPayments} from "../EscrowPayments.sol";
import {vm, bound, expectedFee, ETH} from "./Cheats.sol";
import {TestPayee} from "./TestPayee.sol";

/// What both invariant handlers share: their own books of the escrow (ghosts) and the breaches
/// they look for, the parties (accounts, and contracts that accept ETH, reject it or burn the gas
/// they are given, switched at random), fee and credit withdrawals, and time jumps.
abstract contract EscrowHandler {
    address public constant FEE_RECIPIENT = address(0xFEE);

    mapping(uint256 id => bool) public settled;
    /// ETH held for open escrows, fees released but not withdrawn, and payouts credited in `owed`
    /// but not withdrawn (in total and per payee), as the handler counts them
    uint256 public held;
    uint256 public fees;
    uint256 public credits;
    mapping(address payee => uint256) public creditOf;
    bool public secondPayout;
    bool public wrongSplit;
    bool public wrongDeferral;

    /// every party that can be paid, and those of them that are contracts
    address[] internal parties;
    TestPayee[] internal payeeContracts;

    struct Before {
        address who;
        uint256 balance;
        uint256 owed;
    }

    function escrow() public view virtual returns (EscrowPayments);

    function withdrawFees() external {
        uint256 before = FEE_RECIPIENT.balance;
        try escrow().withdrawFees(ETH) {
            if (FEE_RECIPIENT.balance - before != fees) wrongSplit = true;
            fees = 0;
        } catch {}
    }

    /// Anyone (here the handler) withdraws a party's credit: it pays exactly the credit, once, and
    /// fails only while the party still cannot receive.
    function withdraw(uint256 partySeed) external {
        address who = parties[partySeed % parties.length];
        uint256 credit = creditOf[who];
        uint256 before = who.balance;
        try escrow().withdraw(ETH, who) {
            if (credit == 0) secondPayout = true;
            if (who.balance - before != credit) wrongSplit = true;
            credits -= credit;
            creditOf[who] = 0;
        } catch {
            if (credit != 0 && _accepts(who)) wrongDeferral = true;
        }
    }

    /// Switches a contract party between accepting ETH, rejecting it and burning the gas it gets.
    function setPayeeMode(uint256 payeeSeed, uint256 mode) external {
        payeeContracts[payeeSeed % payeeContracts.length].setMode(TestPayee.Mode(mode % 3));
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 0, 2 days));
    }

    /// Whether the books' per-payee credits match the escrow's `owed`, and add up to `credits`.
    function creditsMatch() external view returns (bool) {
        uint256 sum;
        for (uint256 i; i < parties.length; i++) {
            uint256 owed = escrow().owed(ETH, parties[i]);
            if (owed != creditOf[parties[i]]) return false;
            sum += owed;
        }
        return sum == credits;
    }

    function _account(address who) internal returns (address) {
        parties.push(who);
        return who;
    }

    function _payeeContract(TestPayee.Mode mode) internal returns (address) {
        TestPayee payee = new TestPayee();
        payee.setMode(mode);
        payeeContracts.push(payee);
        return _account(address(payee));
    }

    function _accepts(address who) internal view returns (bool) {
        return who.code.length == 0 || TestPayee(payable(who)).mode() == TestPayee.Mode.Accept;
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

    function _before(address who) internal view returns (Before memory) {
        return Before(who, who.balance, escrow().owed(ETH, who));
    }

    /// Checks that `amount` reached `b.who` exactly: sent if it accepts ETH, else credited in `owed`.
    function _expectPaid(Before memory b, uint256 amount) internal {
        uint256 received = b.who.balance - b.balance;
        uint256 credited = escrow().owed(ETH, b.who) - b.owed;
        if (received + credited != amount) wrongSplit = true;
        if (credited != 0 && (received != 0 || _accepts(b.who))) wrongDeferral = true;
        if (received != 0 && !_accepts(b.who)) wrongDeferral = true;
        credits += credited;
        creditOf[b.who] += credited;
    }
}

/// Points the invariant fuzzer at the handler only, and checks the books every handler keeps.
abstract contract EscrowInvariantTest {
    function handler() internal view virtual returns (EscrowHandler);

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler());
    }

    /// The escrow holds exactly what is owed (open escrows + fees + credits), fees are the floor of
    /// 3% of each payout that carries one, every payout matched the promised split and was sent to a
    /// payee that accepts or credited to one that does not, and nothing was paid twice (a credit is
    /// withdrawn once).
    function _checkBooks() internal view {
        EscrowHandler h = handler();
        EscrowPayments e = h.escrow();
        require(address(e).balance == h.held() + e.feesOwed(ETH) + h.credits(), "balance != open escrows + fees + credits");
        require(e.feesOwed(ETH) == h.fees(), "fees != sum of floor(3%) of payouts");
        require(h.creditsMatch(), "owed != payouts credited and not withdrawn");
        require(!h.wrongSplit(), "a payout differed from what the contract promises");
        require(!h.wrongDeferral(), "a payee that accepts was credited, or one that does not was paid");
        require(!h.secondPayout(), "an escrow or a credit paid out twice");
    }
}
