// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title FeeMath
/// @notice The marketplace fee in basis points, with integer math exact to the wei.
/// @dev The fee is floor(amount * FEE_BPS / 10_000); the payee gets the rest, so fee + payee share
/// always equals the amount and rounding favours the payee by less than one wei per payment.
library FeeMath {
    /// @notice The marketplace fee: 3.00%.
    uint256 internal constant FEE_BPS = 300;
    uint256 internal constant BPS_DENOMINATOR = 10_000;

    /// @notice Splits `amount` into the marketplace fee and what the payee receives.
    /// @dev `amount * FEE_BPS` cannot overflow for any amount below 2^256 / 300, far above all
    /// ether in existence; larger amounts revert (checked arithmetic) rather than wrap.
    function split(uint256 amount) internal pure returns (uint256 fee, uint256 payee) {
        fee = (amount * FEE_BPS) / BPS_DENOMINATOR;
        payee = amount - fee;
    }
}
