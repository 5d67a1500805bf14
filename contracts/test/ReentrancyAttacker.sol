// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestPayee} from "./TestPayee.sol";

/// Test-only contract that, when paid (in `Accept` mode), calls back into the contract that paid it
/// with `reentry` and records whether that call succeeded, without reverting itself: a guard that
/// works leaves `reentered` false and the outer payment intact.
/// @dev What the hook records shares one slot with `target` (set beforehand), so the attempt fits
/// in the gas a release forwards (EscrowPayments.PAYMENT_GAS); a costlier hook would be credited.
contract ReentrancyAttacker is TestPayee {
    address public target;
    bool public attempted;
    bool public reentered;
    /// the selector of the error the reentrant call reverted with
    bytes4 public reentryError;
    bytes public reentry;

    function setReentry(address target_, bytes calldata reentry_) external {
        (target, reentry) = (target_, reentry_);
    }

    function _received() internal override {
        if (attempted || target == address(0)) return;
        attempted = true;
        (bool ok, bytes memory err) = target.call(reentry);
        reentered = ok;
        reentryError = bytes4(err);
    }
}
