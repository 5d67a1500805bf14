// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// Test-only contract party: it acts as buyer, seller, requester or provider through `execute`, and
/// its receive hook accepts ETH, reverts, or burns all the gas it is given, as set with `setMode`.
contract TestPayee {
    enum Mode {
        Accept,
        Reject,
        BurnGas
    }

    Mode public mode;

    error EthRejected();

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// Forwards any call (with value) to `to`, bubbling up its revert.
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
        if (mode == Mode.Reject) revert EthRejected();
        if (mode == Mode.BurnGas) {
            assembly {
                invalid()
            }
        }
        _received();
    }

    /// Runs when ETH is accepted.
    function _received() internal virtual {}
}
