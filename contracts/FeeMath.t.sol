// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FeeMath} from "./FeeMath.sol";

/// Unit and fuzz tests of the fee split (run by `hardhat test solidity`).
contract FeeMathTest {
    function testOneWeiPaysNoFee() public pure {
        (uint256 fee, uint256 payee) = FeeMath.split(1);
        require(fee == 0 && payee == 1, "1 wei: no fee");
    }

    function testOddAmountRoundsDown() public pure {
        // 3% of 1,000,001 wei is 30,000.03 wei: the fee is 30,000 and the payee gets the rest
        (uint256 fee, uint256 payee) = FeeMath.split(1_000_001);
        require(fee == 30_000, "fee floors");
        require(payee == 970_001, "payee gets the remainder");
    }

    function testOneEther() public pure {
        (uint256 fee, uint256 payee) = FeeMath.split(1 ether);
        require(fee == 0.03 ether && payee == 0.97 ether, "3% of one ether");
    }

    function testFuzzSplitIsExactAndFloor(uint256 amount) public pure {
        amount = amount % (type(uint256).max / FeeMath.FEE_BPS);
        (uint256 fee, uint256 payee) = FeeMath.split(amount);
        require(fee + payee == amount, "nothing lost or created");
        require(fee * 10_000 <= amount * 300, "fee never above 3%");
        require((fee + 1) * 10_000 > amount * 300, "fee is the floor of 3%");
    }
}
