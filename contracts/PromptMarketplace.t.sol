// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PromptMarketplace} from "./PromptMarketplace.sol";
import {vm, bound, expectedFee, ETH} from "./test/Cheats.sol";

/// Drives the marketplace with random sequences of list/update/buy/deliver/refund/rate/withdraw
/// and time jumps, keeping its own books (ghosts) to compare with the contract's.
contract MarketplaceHandler {
    PromptMarketplace public immutable market;
    address public constant FEE_RECIPIENT = address(0xFEE);
    address[2] internal sellers = [address(0x5E11), address(0x5E12)];
    address[3] internal buyers = [address(0xB001), address(0xB002), address(0xB003)];

    uint256[] internal purchaseIds;
    mapping(uint256 purchaseId => bool) public settled;
    /// ghosts: ETH held for pending purchases, fees released and not withdrawn, and breaches
    uint256 public held;
    uint256 public fees;
    bool public secondPayout;
    bool public wrongSplit;
    bool public ratingOutOfBounds;

    constructor() {
        market = new PromptMarketplace(address(this), FEE_RECIPIENT, 1 days);
    }

    function list(uint256 sellerSeed, uint256 price) external {
        price = bound(price, 1, 1_000 ether);
        vm.prank(sellers[sellerSeed % 2]);
        market.list(ETH, price, "ipfs://meta", keccak256(abi.encode(price)));
    }

    function update(uint256 promptSeed, uint256 price) external {
        uint256 count = market.promptCount();
        if (count == 0) return;
        uint256 promptId = 1 + (promptSeed % count);
        price = bound(price, 1, 1_000 ether);
        vm.prank(market.ownerOf(promptId));
        try market.update(promptId, ETH, price, "ipfs://meta2", keccak256(abi.encode(price, 2))) {} catch {}
    }

    function buy(uint256 promptSeed, uint256 buyerSeed) external {
        uint256 count = market.promptCount();
        if (count == 0) return;
        uint256 promptId = 1 + (promptSeed % count);
        address buyer = buyers[buyerSeed % 3];
        PromptMarketplace.Listing memory l = market.listing(promptId);
        vm.deal(buyer, l.price);
        vm.prank(buyer);
        try market.buy{value: l.price}(promptId, l.version, hex"04aa") returns (uint256 purchaseId) {
            purchaseIds.push(purchaseId);
            settled[purchaseId] = false;
            held += l.price;
        } catch {}
    }

    function deliver(uint256 purchaseSeed) external {
        if (purchaseIds.length == 0) return;
        uint256 purchaseId = purchaseIds[purchaseSeed % purchaseIds.length];
        PromptMarketplace.Purchase memory p = market.purchase(purchaseId);
        address seller = market.ownerOf(p.promptId);
        uint256 before = seller.balance;
        vm.prank(seller);
        try market.deliverKey(purchaseId, hex"5ea1") {
            _settle(purchaseId);
            held -= p.amount;
            fees += expectedFee(p.amount);
            if (seller.balance - before != p.amount - expectedFee(p.amount)) wrongSplit = true;
        } catch {}
    }

    function refund(uint256 purchaseSeed) external {
        if (purchaseIds.length == 0) return;
        uint256 purchaseId = purchaseIds[purchaseSeed % purchaseIds.length];
        PromptMarketplace.Purchase memory p = market.purchase(purchaseId);
        uint256 before = p.buyer.balance;
        vm.prank(p.buyer);
        try market.refund(purchaseId) {
            _settle(purchaseId);
            held -= p.amount;
            if (p.buyer.balance - before != p.amount) wrongSplit = true;
        } catch {}
    }

    function rate(uint256 promptSeed, uint256 buyerSeed, uint8 score) external {
        uint256 count = market.promptCount();
        if (count == 0) return;
        uint256 promptId = 1 + (promptSeed % count);
        vm.prank(buyers[buyerSeed % 3]);
        try market.rate(promptId, uint8(bound(score, 0, 6))) {} catch {}
        (uint64 sum, uint64 ratings) = market.rating(promptId);
        if (sum < ratings || sum > 5 * uint256(ratings)) ratingOutOfBounds = true;
    }

    function withdrawFees() external {
        uint256 before = FEE_RECIPIENT.balance;
        try market.withdrawFees(ETH) {
            if (FEE_RECIPIENT.balance - before != fees) wrongSplit = true;
            fees = 0;
        } catch {}
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 0, 2 days));
    }

    /// A payout for a purchase already paid out (to either side) is the breach we look for.
    function _settle(uint256 purchaseId) private {
        if (settled[purchaseId]) secondPayout = true;
        settled[purchaseId] = true;
    }
}

/// Invariants (random call sequences against the handler) and fuzzed unit tests of the marketplace.
contract PromptMarketplaceTest {
    MarketplaceHandler internal handler;

    function setUp() public {
        handler = new MarketplaceHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// One campaign checks every property after each call: the escrow holds exactly what is owed
    /// (pending purchases + fees), fees are the floor of 3% of each delivery, every payout matched
    /// the promised split, no purchase paid out twice, and rating aggregates stay in range.
    function invariantBooksBalance() public view {
        PromptMarketplace market = handler.market();
        require(address(market).balance == handler.held() + market.feesOwed(ETH), "balance != pending + fees");
        require(market.feesOwed(ETH) == handler.fees(), "fees != sum of floor(3%)");
        require(!handler.wrongSplit(), "a payout differed from price minus floor(3%)");
        require(!handler.secondPayout(), "a purchase paid out twice");
        require(!handler.ratingOutOfBounds(), "rating aggregate out of [count, 5 * count]");
    }

    function testFuzzDeliverySplitsPriceExactly(uint96 price) public {
        price = uint96(bound(price, 1, type(uint96).max));
        PromptMarketplace market = new PromptMarketplace(address(this), address(0xFEE), 1 days);
        address seller = address(0x5E11);
        address buyer = address(0xB001);
        vm.prank(seller);
        uint256 promptId = market.list(ETH, price, "ipfs://m", bytes32(uint256(1)));
        vm.deal(buyer, price);
        vm.prank(buyer);
        uint256 purchaseId = market.buy{value: price}(promptId, 1, hex"04");
        vm.prank(seller);
        market.deliverKey(purchaseId, hex"01");
        require(seller.balance == price - expectedFee(price), "seller gets price minus floor(3%)");
        require(market.feesOwed(ETH) == expectedFee(price), "fee is floor(3%)");
        require(address(market).balance == expectedFee(price), "only the fee stays");
        require(market.hasLicence(promptId, buyer), "licence granted");
    }
}
