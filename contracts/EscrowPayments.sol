// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {FeeMath} from "./FeeMath.sol";

/// @title EscrowPayments
/// @notice What both escrows share: payment in ETH or an owner-approved ERC-20, the 3% fee, the
/// fee recipient, and the credits of payees that could not receive.
/// @dev A release pushes the payee's share; if the transfer fails (a contract that rejects ETH or
/// burns the gas it is given, an ERC-20 that blocks the address) the share is credited to
/// `owed[token][payee]` instead and `PaymentDeferred` is emitted, so a payee that cannot receive
/// never blocks a release, and the payee (or anyone, paying to the payee) takes it later with
/// `withdraw`. Fees accrue per token and reach the fee recipient through `withdrawFees` (pull), so a
/// fee recipient that cannot receive never blocks a sale, and a release costs one warm-ish storage
/// write instead of a second transfer. At every moment the contract holds, per token, exactly the
/// sum of open escrows plus `feesOwed(token)` plus every account's `owed` credit in that token.
/// The reentrancy guard lives in transient storage (EIP-1153, Cancun and later).
abstract contract EscrowPayments is Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The payment token value that stands for native ETH.
    address public constant ETH = address(0);

    /// @notice Receives the 3% fee of every release (see `withdrawFees`).
    address public feeRecipient;
    /// @notice ERC-20 tokens accepted for new listings and escrows. ETH is always accepted.
    mapping(address token => bool) public tokenAllowed;
    /// @dev Fees released but not yet withdrawn, per payment token, stored plus one: the slot never
    /// returns to zero, so the first release after a withdrawal (or ever) costs a 5k write, not 22k.
    mapping(address token => uint256) private _feesOwedPlusOne;
    /// @notice Releases and refunds that could not be pushed to their payee, per payment token and
    /// payee, until `withdraw` sends them.
    mapping(address token => mapping(address account => uint256)) public owed;

    /// @notice Gas an ETH release forwards to the payee's receive hook.
    /// @dev Ample for a smart-contract wallet's receive hook (which typically emits an event), and
    /// bounded so that a payee that burns every unit it is given costs the caller at most this much
    /// and the release keeps the gas to credit it. It is below 63 * 2,300: when the caller's gas
    /// limit leaves less than this for the payee (EIP-150 forwards at most 63/64 of what is left),
    /// the 1/64 kept back (under 800) is less than the 2,300 any storage write needs (EIP-2200), so
    /// the whole call runs out of gas instead of crediting. A credit therefore always means the
    /// payee failed with the full amount, whatever gas limit the caller chose. `withdraw` and
    /// `withdrawFees` forward all gas.
    uint256 public constant PAYMENT_GAS = 50_000;

    event FeeRecipientChanged(address indexed previousRecipient, address indexed newRecipient);
    event TokenAllowanceChanged(address indexed token, bool allowed);
    event FeesWithdrawn(address indexed token, address indexed recipient, uint256 amount);
    /// @notice `amount` of `token` could not be sent to `to` and was credited to `owed[token][to]`.
    event PaymentDeferred(address indexed token, address indexed to, uint256 amount);
    /// @notice `to`'s credit of `amount` in `token` was sent to it by `withdraw`.
    event Withdrawn(address indexed token, address indexed to, uint256 amount);
    /// @notice `account`'s credit of `amount` in `token` was sent, at its request, to `to`.
    event CreditRedirected(address indexed token, address indexed account, address indexed to, uint256 amount);

    error ZeroAddress();
    error TokenNotAllowed(address token);
    /// @dev `expected` is the exact amount of ETH the call needed (0 when paying in an ERC-20).
    error WrongPayment(uint256 expected, uint256 sent);
    /// @dev Raised for tokens that deliver less than the amount transferred (fee-on-transfer).
    error UnsupportedToken(address token, uint256 expected, uint256 received);
    error PriceTooHigh(uint256 price, uint256 max);
    error ZeroPrice();
    error PaymentFailed(address to, uint256 amount);
    error NoFeesOwed(address token);
    error NothingOwed(address token, address account);
    error InvalidWindow(uint256 duration);

    /// @notice The longest delivery window, challenge window or dispute timeout a deployment may set.
    uint256 public constant MAX_WINDOW = 365 days;

    constructor(address initialOwner, address initialFeeRecipient) Ownable(initialOwner) {
        _setFeeRecipient(initialFeeRecipient);
        _feesOwedPlusOne[ETH] = 1;
    }

    /// @notice Fees released but not yet withdrawn in `token`.
    function feesOwed(address token) public view returns (uint256) {
        uint256 stored = _feesOwedPlusOne[token];
        return stored == 0 ? 0 : stored - 1;
    }

    /// @notice Sets who receives fees from now on, including fees accrued and not yet withdrawn.
    /// @param newRecipient the new fee recipient; never the zero address
    function setFeeRecipient(address newRecipient) external onlyOwner {
        _setFeeRecipient(newRecipient);
    }

    /// @notice Adds an ERC-20 to, or removes it from, the tokens new listings and escrows accept.
    /// @dev Removing a token never touches open escrows: they settle in the token they were paid in.
    /// Only plain ERC-20s belong here: fee-on-transfer tokens are refused at payment time and
    /// rebasing tokens would break the escrow's accounting.
    /// @param token the ERC-20 contract
    /// @param allowed whether it is accepted
    function setTokenAllowed(address token, bool allowed) external onlyOwner {
        if (token == ETH) revert ZeroAddress();
        tokenAllowed[token] = allowed;
        if (_feesOwedPlusOne[token] == 0) _feesOwedPlusOne[token] = 1;
        emit TokenAllowanceChanged(token, allowed);
    }

    /// @notice Sends every fee accrued in `token` to the current fee recipient. Anyone may call it.
    /// @dev Fees are never credited to a recipient in `owed`: if the recipient cannot receive, this
    /// reverts with `PaymentFailed` and the fees stay for whichever recipient the owner sets next.
    /// @param token the payment token (`ETH` for ether)
    function withdrawFees(address token) external nonReentrant {
        uint256 amount = feesOwed(token);
        if (amount == 0) revert NoFeesOwed(token);
        _feesOwedPlusOne[token] = 1;
        address recipient = feeRecipient;
        emit FeesWithdrawn(token, recipient, amount);
        _send(token, recipient, amount);
    }

    /// @notice Sends `to` its whole credit in `token` (payments that could not be pushed to it).
    /// Anyone may call it; the credit always goes to `to`. If `to` still cannot receive, the call
    /// reverts with `PaymentFailed` and the credit stays.
    /// @param token the payment token (`ETH` for ether)
    /// @param to the account owed
    function withdraw(address token, address to) external nonReentrant {
        uint256 amount = owed[token][to];
        if (amount == 0) revert NothingOwed(token, to);
        owed[token][to] = 0;
        emit Withdrawn(token, to, amount);
        _send(token, to, amount);
    }

    /// @notice Sends the caller's own credit in `token` to `to`: the way out for an account that can
    /// never receive itself (a contract without a receive function, an address a token blocks).
    /// @param token the payment token (`ETH` for ether)
    /// @param to where the credit goes; never the zero address
    function withdrawTo(address token, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = owed[token][msg.sender];
        if (amount == 0) revert NothingOwed(token, msg.sender);
        owed[token][msg.sender] = 0;
        emit CreditRedirected(token, msg.sender, to, amount);
        _send(token, to, amount);
    }

    /// @dev Windows are added to 40-bit timestamps: bounding them keeps every deadline in range.
    function _checkWindow(uint256 duration) internal pure {
        if (duration == 0 || duration > MAX_WINDOW) revert InvalidWindow(duration);
    }

    function _setFeeRecipient(address newRecipient) private {
        if (newRecipient == address(0)) revert ZeroAddress();
        emit FeeRecipientChanged(feeRecipient, newRecipient);
        feeRecipient = newRecipient;
    }

    /// @dev Prices are stored in 96 bits to keep an escrow in two or three storage slots; 2^96 - 1
    /// base units is 79 billion tokens of 18 decimals.
    function _checkPrice(address token, uint256 price) internal view {
        if (price == 0) revert ZeroPrice();
        if (price > type(uint96).max) revert PriceTooHigh(price, type(uint96).max);
        if (token != ETH && !tokenAllowed[token]) revert TokenNotAllowed(token);
    }

    /// @dev Takes `amount` from the caller: exactly `amount` ETH as msg.value, or an ERC-20
    /// transferFrom (with no ETH attached) that must deliver the full amount.
    function _collect(address token, uint256 amount) internal {
        if (token == ETH) {
            if (msg.value != amount) revert WrongPayment(amount, msg.value);
            return;
        }
        if (msg.value != 0) revert WrongPayment(0, msg.value);
        if (!tokenAllowed[token]) revert TokenNotAllowed(token);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert UnsupportedToken(token, amount, received);
    }

    /// @dev Splits an escrowed `amount` being released: the fee (FeeMath, floor of 3%) accrues to
    /// the fee recipient and `net` is what the caller then pays to the payee with `_pay`.
    function _takeFee(address token, uint256 amount) internal returns (uint256 fee, uint256 net) {
        (fee, net) = FeeMath.split(amount);
        _feesOwedPlusOne[token] += fee;
    }

    /// @dev Pays `amount` to a payee: a transfer (ETH with `PAYMENT_GAS`), or, if it fails, a credit
    /// in `owed` that `withdraw` pays later. Never reverts for the payee's sake.
    function _pay(address token, address to, uint256 amount) internal {
        if (amount == 0 || _tryTransfer(token, to, amount, PAYMENT_GAS)) return;
        owed[token][to] += amount;
        emit PaymentDeferred(token, to, amount);
    }

    /// @dev Pays `amount` to `to` with all the gas left, or reverts with `PaymentFailed`.
    function _send(address token, address to, uint256 amount) private {
        if (!_tryTransfer(token, to, amount, gasleft())) revert PaymentFailed(to, amount);
    }

    /// @dev ETH goes by a plain call that copies no return data (a payee cannot make the caller pay
    /// for a huge one); ERC-20s by SafeERC20, which forwards all gas: tokens are vetted by the owner
    /// (see `setTokenAllowed`) and a payee's own code never runs in a plain ERC-20 transfer.
    function _tryTransfer(address token, address to, uint256 amount, uint256 gasLimit) private returns (bool ok) {
        if (token != ETH) return IERC20(token).trySafeTransfer(to, amount);
        assembly ("memory-safe") {
            ok := call(gasLimit, to, amount, 0, 0, 0, 0)
        }
    }
}
