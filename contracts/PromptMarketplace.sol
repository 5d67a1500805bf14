// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {EscrowPayments} from "./EscrowPayments.sol";

/// @title PromptMarketplace
/// @notice Prompts as ERC-721 tokens and licences sold with a fair exchange of payment for key.
/// @dev A purchase is keyed by (prompt, buyer), so a buyer holds at most one open purchase or one
/// licence per prompt and no counter or separate licence table is written: the delivered purchase
/// *is* the licence, and it carries the buyer's rating.
///
/// Fair exchange: `buy` escrows the price and publishes the buyer's public key; the token's current
/// owner answers with `deliverKey`, whose event carries the content key sealed to that public key,
/// and the same transaction releases the payment. If no key arrives by the purchase's deadline
/// the buyer reclaims the payment with `refund`; a key delivered late is refused, so once the
/// deadline passes the buyer's money can only go back to the buyer. A seller (or a refunded buyer)
/// that cannot receive is credited in `owed` instead (see EscrowPayments), so the exchange
/// completes either way and the credit is taken later with `withdraw`.
///
/// Fee rounding: the fee is floor(price * 300 / 10_000) (see FeeMath); the seller receives the
/// rest, so fee + seller share always equals the price and any rounding favours the seller by less
/// than one base unit. A 1-wei sale pays no fee.
contract PromptMarketplace is ERC721, EscrowPayments {
    enum PurchaseStatus {
        None,
        Pending,
        Delivered,
        Refunded
    }

    /// @dev Slot 0: paymentToken + price. Slot 1: version, listed, rating aggregate.
    struct Listing {
        address paymentToken;
        uint96 price;
        uint32 version;
        bool listed;
        uint64 ratingSum;
        uint64 ratingCount;
        bytes32 contentHash;
        string metadataURI;
    }

    /// @dev Two slots. `rating` is 0 until the licence holder rates the prompt.
    struct Purchase {
        address buyer;
        uint40 promptId;
        uint40 deadline;
        PurchaseStatus status;
        uint8 rating;
        address paymentToken;
        uint96 amount;
    }

    /// @notice Seconds the seller has, from the purchase, to deliver the key.
    uint256 public immutable deliveryWindow;

    uint40 private _lastPromptId;
    mapping(uint256 promptId => Listing) private _listings;
    mapping(uint256 purchaseId => Purchase) private _purchases;

    event Listed(uint256 indexed promptId, address indexed author, address paymentToken, uint256 price, bytes32 contentHash, string metadataURI);
    event Updated(uint256 indexed promptId, uint32 version, address paymentToken, uint256 price, bytes32 contentHash, string metadataURI);
    event Delisted(uint256 indexed promptId);
    event Purchased(uint256 indexed purchaseId, uint256 indexed promptId, address indexed buyer, address paymentToken, uint256 amount, uint40 deadline, bytes buyerPublicKey);
    event KeyDelivered(uint256 indexed purchaseId, uint256 indexed promptId, address indexed buyer, address seller, bytes sealedKey, uint256 sellerAmount, uint256 fee);
    event Refunded(uint256 indexed purchaseId, uint256 indexed promptId, address indexed buyer, uint256 amount);
    event Rated(uint256 indexed promptId, address indexed rater, uint8 score, uint64 ratingSum, uint64 ratingCount);

    error NotListed(uint256 promptId);
    error NotPromptOwner(uint256 promptId, address caller);
    error ListingChanged(uint256 promptId, uint32 currentVersion);
    error EmptyContentHash();
    error EmptyKey();
    error AlreadyLicensed(uint256 promptId, address buyer);
    error PurchaseNotPending(uint256 purchaseId, PurchaseStatus status);
    error NotSeller(uint256 purchaseId, address caller);
    error NotBuyer(uint256 purchaseId, address caller);
    error DeliveryExpired(uint256 purchaseId, uint40 deadline);
    error DeliveryNotExpired(uint256 purchaseId, uint40 deadline);
    error NoLicence(uint256 promptId, address account);
    error InvalidScore(uint8 score);

    /// @param initialOwner manages the fee recipient and the ERC-20 allow list
    /// @param initialFeeRecipient receives the 3% fee
    /// @param deliveryWindow_ seconds a seller has to deliver the key before the buyer may reclaim (1 s to MAX_WINDOW)
    constructor(address initialOwner, address initialFeeRecipient, uint256 deliveryWindow_)
        ERC721("AscendNet Prompt", "ASCP")
        EscrowPayments(initialOwner, initialFeeRecipient)
    {
        _checkWindow(deliveryWindow_);
        deliveryWindow = deliveryWindow_;
    }

    // ---- listings -------------------------------------------------------------------------

    /// @notice Mints a new prompt token to the caller and lists it for sale (version 1).
    /// @param paymentToken `ETH` or an allowed ERC-20
    /// @param price licence price in the token's base units (wei for ETH), 1 to 2^96 - 1
    /// @param metadataURI where the listing's metadata lives (returned by `tokenURI`)
    /// @param contentHash hash of the prompt's plaintext, which buyers check after decrypting
    /// @return promptId the new token id
    function list(address paymentToken, uint256 price, string calldata metadataURI, bytes32 contentHash) external returns (uint256 promptId) {
        _checkListing(paymentToken, price, contentHash);
        promptId = ++_lastPromptId;
        Listing storage l = _listings[promptId];
        (l.paymentToken, l.price, l.version, l.listed) = (paymentToken, uint96(price), 1, true);
        l.contentHash = contentHash;
        l.metadataURI = metadataURI;
        _mint(msg.sender, promptId);
        emit Listed(promptId, msg.sender, paymentToken, price, contentHash, metadataURI);
    }

    /// @notice Replaces a listed prompt's price, token and content as a new version. Token owner only.
    /// @dev Purchases already open keep the amount and token they were made with.
    /// @param promptId the prompt token
    /// @param paymentToken `ETH` or an allowed ERC-20
    /// @param price the new licence price
    /// @param metadataURI the new metadata URI
    /// @param contentHash hash of the new plaintext
    function update(uint256 promptId, address paymentToken, uint256 price, string calldata metadataURI, bytes32 contentHash) external {
        Listing storage l = _ownedListing(promptId);
        _checkListing(paymentToken, price, contentHash);
        uint32 version = l.version + 1;
        (l.paymentToken, l.price, l.version) = (paymentToken, uint96(price), version);
        l.contentHash = contentHash;
        l.metadataURI = metadataURI;
        emit Updated(promptId, version, paymentToken, price, contentHash, metadataURI);
    }

    /// @notice Stops sales of a prompt for good. Token owner only. Licences, ratings and open
    /// purchases are unaffected: the owner can still deliver keys for purchases already made.
    /// @param promptId the prompt token
    function delist(uint256 promptId) external {
        _ownedListing(promptId).listed = false;
        emit Delisted(promptId);
    }

    // ---- purchases ------------------------------------------------------------------------

    /// @notice Buys a licence: escrows the listed price until the seller delivers the key.
    /// @dev Pay the price as msg.value for ETH listings, or approve the ERC-20 first. `version`
    /// pins the listing the buyer saw, so a price, token or content change in between reverts
    /// instead of charging for something else.
    /// @param promptId the prompt token
    /// @param version the listing version the buyer agrees to
    /// @param buyerPublicKey the key the seller seals the content key to
    /// @return purchaseId `purchaseIdOf(promptId, msg.sender)`
    function buy(uint256 promptId, uint32 version, bytes calldata buyerPublicKey) external payable nonReentrant returns (uint256 purchaseId) {
        Listing storage l = _listings[promptId];
        if (!l.listed) revert NotListed(promptId);
        if (l.version != version) revert ListingChanged(promptId, l.version);
        if (buyerPublicKey.length == 0) revert EmptyKey();
        purchaseId = purchaseIdOf(promptId, msg.sender);
        Purchase storage p = _purchases[purchaseId];
        if (p.status == PurchaseStatus.Pending) revert PurchaseNotPending(purchaseId, p.status);
        if (p.status == PurchaseStatus.Delivered) revert AlreadyLicensed(promptId, msg.sender);

        (address token, uint96 amount) = (l.paymentToken, l.price);
        uint40 deadline = uint40(block.timestamp + deliveryWindow);
        _purchases[purchaseId] = Purchase(msg.sender, uint40(promptId), deadline, PurchaseStatus.Pending, 0, token, amount);
        emit Purchased(purchaseId, promptId, msg.sender, token, amount, deadline, buyerPublicKey);
        _collect(token, amount);
    }

    /// @notice Delivers the content key sealed to the buyer's public key and releases the payment:
    /// the fee to the fee recipient, the rest to the caller. Only the prompt's current owner,
    /// only while the purchase is pending and not past its deadline.
    /// @param purchaseId the purchase being answered
    /// @param sealedKey the content key encrypted to the buyer's public key (published in the event)
    function deliverKey(uint256 purchaseId, bytes calldata sealedKey) external nonReentrant {
        Purchase storage p = _purchases[purchaseId];
        if (p.status != PurchaseStatus.Pending) revert PurchaseNotPending(purchaseId, p.status);
        uint256 promptId = p.promptId;
        if (_ownerOf(promptId) != msg.sender) revert NotSeller(purchaseId, msg.sender);
        if (block.timestamp > p.deadline) revert DeliveryExpired(purchaseId, p.deadline);
        if (sealedKey.length == 0) revert EmptyKey();

        p.status = PurchaseStatus.Delivered;
        (address token, uint256 amount, address buyer) = (p.paymentToken, p.amount, p.buyer);
        (uint256 fee, uint256 net) = _takeFee(token, amount);
        emit KeyDelivered(purchaseId, promptId, buyer, msg.sender, sealedKey, net, fee);
        _pay(token, msg.sender, net);
    }

    /// @notice Returns a pending purchase's payment to its buyer once the delivery deadline has
    /// passed with no key. Buyer only.
    /// @param purchaseId the purchase to reclaim
    function refund(uint256 purchaseId) external nonReentrant {
        Purchase storage p = _purchases[purchaseId];
        if (p.status != PurchaseStatus.Pending) revert PurchaseNotPending(purchaseId, p.status);
        if (msg.sender != p.buyer) revert NotBuyer(purchaseId, msg.sender);
        if (block.timestamp <= p.deadline) revert DeliveryNotExpired(purchaseId, p.deadline);

        p.status = PurchaseStatus.Refunded;
        (address token, uint256 amount) = (p.paymentToken, p.amount);
        emit Refunded(purchaseId, p.promptId, msg.sender, amount);
        _pay(token, msg.sender, amount);
    }

    // ---- ratings --------------------------------------------------------------------------

    /// @notice Rates a prompt 1 to 5. Licence holders only, one rating per licence; rating
    /// again replaces the earlier score in the aggregate.
    /// @param promptId the prompt token
    /// @param score 1 (worst) to 5 (best)
    function rate(uint256 promptId, uint8 score) external {
        if (score < 1 || score > 5) revert InvalidScore(score);
        Purchase storage p = _purchases[purchaseIdOf(promptId, msg.sender)];
        if (p.status != PurchaseStatus.Delivered) revert NoLicence(promptId, msg.sender);
        Listing storage l = _listings[promptId];
        uint8 previous = p.rating;
        p.rating = score;
        if (previous == 0) l.ratingCount += 1;
        uint64 sum = l.ratingSum + score - previous;
        l.ratingSum = sum;
        emit Rated(promptId, msg.sender, score, sum, l.ratingCount);
    }

    // ---- views ----------------------------------------------------------------------------

    /// @notice The id of `buyer`'s purchase of `promptId` (whether or not it exists yet).
    function purchaseIdOf(uint256 promptId, address buyer) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(promptId, buyer)));
    }

    /// @notice A prompt's listing: price, token, version, whether it is for sale, rating
    /// aggregate, content hash and metadata URI.
    function listing(uint256 promptId) external view returns (Listing memory) {
        return _listings[promptId];
    }

    /// @notice A purchase by id (all zero when there is none).
    function purchase(uint256 purchaseId) external view returns (Purchase memory) {
        return _purchases[purchaseId];
    }

    /// @notice Whether `account` holds a licence for `promptId` (its key was delivered).
    function hasLicence(uint256 promptId, address account) external view returns (bool) {
        return _purchases[purchaseIdOf(promptId, account)].status == PurchaseStatus.Delivered;
    }

    /// @notice A prompt's rating aggregate; the average is `sum / count`.
    function rating(uint256 promptId) external view returns (uint64 sum, uint64 count) {
        Listing storage l = _listings[promptId];
        return (l.ratingSum, l.ratingCount);
    }

    /// @notice The number of prompts ever listed; ids run from 1 to this.
    function promptCount() external view returns (uint256) {
        return _lastPromptId;
    }

    /// @notice The prompt's metadata URI, as set by `list` or the latest `update`.
    function tokenURI(uint256 promptId) public view override returns (string memory) {
        _requireOwned(promptId);
        return _listings[promptId].metadataURI;
    }

    function _checkListing(address paymentToken, uint256 price, bytes32 contentHash) private view {
        _checkPrice(paymentToken, price);
        if (contentHash == bytes32(0)) revert EmptyContentHash();
    }

    function _ownedListing(uint256 promptId) private view returns (Listing storage l) {
        if (_ownerOf(promptId) != msg.sender) revert NotPromptOwner(promptId, msg.sender);
        l = _listings[promptId];
        if (!l.listed) revert NotListed(promptId);
    }
}
