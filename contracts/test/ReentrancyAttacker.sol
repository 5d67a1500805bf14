// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// Test-only contract that, when paid, calls back into the contract that paid it with `reentry`
/// and records whether that call succeeded, without reverting itself: a guard that works leaves
/// `reentered` false and the outer payment intact.
contract ReentrancyAttacker {
    address public target;
    bytes public reentry;
    bool public attempted;
    bool public reentered;
    bytes public reentryError;

    function setReentry(address target_, bytes calldata reentry_) external {
        (target, reentry) = (target_, reentry_);
    }

    /// Forwards any call (with value) to `to`, so this contract can act as buyer, seller,
    /// requester or provider.
    function execute(address to, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory result) = to.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
        return result;
    }

    receive() external payable {
        if (attempted || target == address(0)) return;
        attempted = true;
        (bool ok, bytes memory err) = target.call(reentry);
        reentered = ok;
        reentryError = err;
    }
}
