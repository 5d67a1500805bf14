// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EscrowPayments} from "./EscrowPayments.sol";
import {PromptMarketplace} from "./PromptMarketplace.sol";
import {vm, bound, expectedFee, ETH} from "./test/Cheats.sol";
import {EscrowHandler, EscrowInvariantTest} from "./test/EscrowHandler.sol";
import {TestPayee} from "./test/TestPayee.sol";

/// Drives the marketplace with random sequences of list/update/buy/deliver/refund/rate/withdraw
/// and time jumps, with sellers and buyers that may reject ETH or burn the gas they are given.
contract MarketplaceHandler is EscrowHandler {
    PromptMarketplace public immutable market;
    address[] internal sellers;
    address[] internal buyers;
    uint256[] internal purchaseIds;
    bool public ratingOutOfBounds;

    constructor() {
        market = new PromptMarketplace(address(this), FEE_RECIPIENT, 1 days);
        sellers = [_account(address(0x5E11)), _payeeContract(TestPayee.Mode.Reject), _payeeContract(TestPayee.Mode.BurnGas)];
        buyers = [_account(address(0xB001)), _account(address(0xB002)), _payeeContract(TestPayee.Mode.Reject)];
    }

    function escrow() public view override returns (EscrowPayments) {
        return market;
    }

    function list(uint256 sellerSeed, uint256 price) external {
        price = bound(price, 1, 1_000 ether);
        vm.prank(sellers[sellerSeed % sellers.length]);
        market.list(ETH, price, "ipfs://meta", keccak256(abi.encode(price)));
    }

    function update(uint256 promptSeed, uint256 price) external {
        uint256 promptId = _pickPrompt(promptSeed);
        if (promptId == 0) return;
        price = bound(price, 1, 1_000 ether);
        vm.prank(market.ownerOf(promptId));
        try market.update(promptId, ETH, price, "ipfs://meta2", keccak256(abi.encode(price, 2))) {} catch {}
    }

    function buy(uint256 promptSeed, uint256 buyerSeed) external {
        uint256 promptId = _pickPrompt(promptSeed);
        if (promptId == 0) return;
        address buyer = buyers[buyerSeed % buyers.length];
        PromptMarketplace.Listing memory l = market.listing(promptId);
        vm.deal(buyer, l.price);
        vm.prank(buyer);
        try market.buy{value: l.price}(promptId, l.version, hex"04aa") returns (uint256 purchaseId) {
            purchaseIds.push(purchaseId);
            _opened(purchaseId, l.price);
        } catch {}
    }

    function deliver(uint256 purchaseSeed) external {
        if (purchaseIds.length == 0) return;
        uint256 purchaseId = purchaseIds[purchaseSeed % purchaseIds.length];
        PromptMarketplace.Purchase memory p = market.purchase(purchaseId);
        address seller = market.ownerOf(p.promptId);
        Before memory payee = _before(seller);
        vm.prank(seller);
        try market.deliverKey(purchaseId, hex"5ea1") {
            _settle(purchaseId, p.amount, p.amount);
            _expectPaid(payee, p.amount - expectedFee(p.amount));
        } catch {}
    }

    function refund(uint256 purchaseSeed) external {
        if (purchaseIds.length == 0) return;
        uint256 purchaseId = purchaseIds[purchaseSeed % purchaseIds.length];
        PromptMarketplace.Purchase memory p = market.purchase(purchaseId);
        Before memory payee = _before(p.buyer);
        vm.prank(p.buyer);
        try market.refund(purchaseId) {
            _settle(purchaseId, p.amount, 0);
            _expectPaid(payee, p.amount);
        } catch {}
    }

    function rate(uint256 promptSeed, uint256 buyerSeed, uint8 score) external {
        uint256 promptId = _pickPrompt(promptSeed);
        if (promptId == 0) return;
        vm.prank(buyers[buyerSeed % buyers.length]);
        try market.rate(promptId, uint8(bound(score, 0, 6))) {} catch {}
        (uint64 sum, uint64 ratings) = market.rating(promptId);
        if (sum < ratings || sum > 5 * uint256(ratings)) ratingOutOfBounds = true;
    }

    function _pickPrompt(uint256 seed) private view returns (uint256) {
        uint256 count = market.promptCount();
        return count == 0 ? 0 : 1 + (seed % count);
    }
}

/// Invariants (random call sequences against the handler) and fuzzed unit tests of the marketplace.
contract PromptMarketplaceTest is EscrowInvariantTest {
    MarketplaceHandler internal marketHandler;

    function setUp() public {
        marketHandler = new MarketplaceHandler();
    }

    function handler() internal view override returns (EscrowHandler) {
        return marketHandler;
    }

    /// Checked after every call of a random sequence: the books balance, and rating aggregates stay
    /// between 1 and 5 per rating.
    function invariantBooksBalance() public view {
        _checkBooks();
        require(!marketHandler.ratingOutOfBounds(), "rating aggregate out of [count, 5 * count]");
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
