// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// The cheatcodes the Solidity tests use (Hardhat 3 serves them at the Foundry-compatible address).
interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function deal(address account, uint256 balance) external;
}

address constant ETH = address(0);

Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

/// `x` mapped into [lo, hi]; fuzzed inputs reach every value of the range.
function bound(uint256 x, uint256 lo, uint256 hi) pure returns (uint256) {
    return lo + (x % (hi - lo + 1));
}

/// The fee computed independently of FeeMath: floor of 3%.
function expectedFee(uint256 amount) pure returns (uint256) {
    return (amount * 3) / 100;
}
