import { Interface, ZeroAddress, isError, type ErrorDescription } from "ethers";
import { AscendError, errorMessage } from "../utils/errors.ts";

export interface DecodedRevert {
  name: string;
  args: Record<string, unknown>;
}

/** What a custom error means for the person who made the call, for errors whose name alone does not say. */
const EXPLANATIONS: Record<string, (args: Record<string, unknown>) => string> = {
  NothingOwed: (a) => `nothing is owed to ${String(a.account)} in ${tokenName(a.token)} (no payment to it was deferred, or it was already withdrawn)`,
  PaymentFailed: (a) => `${String(a.to)} cannot receive the ${String(a.amount)} sent to it, so it stays owed in the contract until it can`,
};

/** A call the contract refuses, with its custom error decoded: branch on `errorName`. */
export class ContractRevertError extends AscendError {
  readonly errorName: string;
  readonly args: Record<string, unknown>;
  constructor(action: string, decoded: DecodedRevert | undefined, cause: unknown) {
    const raw = decoded && `${decoded.name}(${formatArgs(decoded.args)})`;
    const explain = decoded && EXPLANATIONS[decoded.name];
    const what = raw ? (explain ? `${explain(decoded.args)} [${raw}]` : raw) : `without a reason${reasonOf(cause)}`;
    super("CONFLICT", `${action} was refused by the contract: ${what}; nothing was sent`, { cause });
    this.name = "ContractRevertError";
    this.errorName = decoded?.name ?? "unknown";
    this.args = decoded?.args ?? {};
  }
}

/** Decodes revert data against the ABIs given (a contract's own errors include OpenZeppelin's). */
export function decodeRevert(ifaces: Interface[], data: string | null | undefined): DecodedRevert | undefined {
  if (!data || data === "0x") return undefined;
  for (const iface of ifaces) {
    let parsed: ErrorDescription | null = null;
    try {
      parsed = iface.parseError(data);
    } catch {
      // not one of this ABI's errors
    }
    if (parsed) return { name: parsed.name, args: namedArgs(parsed) };
  }
  return undefined;
}

/**
 * Turns what ethers throws into an AscendError a person can act on: a decoded revert, insufficient
 * funds, or the chain being unavailable. Anything else keeps its message under INTERNAL.
 */
export function chainError(err: unknown, action: string, rpcUrl: string, ifaces: Interface[] = []): AscendError {
  if (err instanceof AscendError) return err;
  if (isError(err, "CALL_EXCEPTION")) return new ContractRevertError(action, decodeRevert(ifaces, err.data), err);
  if (isError(err, "INSUFFICIENT_FUNDS")) return new AscendError("BAD_REQUEST", `${action}: the wallet has insufficient funds for the value and gas`, { cause: err });
  if (isUnavailable(err)) return unavailable(rpcUrl, err);
  return new AscendError("INTERNAL", `${action} failed: ${errorMessage(err)}`, { cause: err });
}

export function unavailable(rpcUrl: string, cause: unknown): AscendError {
  return new AscendError("UNAVAILABLE", `the chain at ${rpcUrl} is unavailable (${shortReason(cause)}); payments wait until it answers again`, { cause });
}

function isUnavailable(err: unknown): boolean {
  if (isError(err, "TIMEOUT") || isError(err, "NETWORK_ERROR") || isError(err, "SERVER_ERROR")) return true;
  const text = errorMessage(err) + " " + errorMessage((err as { cause?: unknown })?.cause);
  return /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|timeout/i.test(text);
}

function shortReason(err: unknown): string {
  if (isError(err, "TIMEOUT")) return "no answer in time";
  const text = errorMessage(err);
  const code = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND/.exec(text + " " + errorMessage((err as { cause?: unknown })?.cause));
  return code ? code[0] : text.split("\n")[0]!.slice(0, 120);
}

function reasonOf(err: unknown): string {
  const reason = (err as { reason?: unknown })?.reason;
  return typeof reason === "string" && reason ? ` (${reason})` : "";
}

function namedArgs(parsed: ErrorDescription): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  parsed.fragment.inputs.forEach((input, i) => {
    out[input.name || String(i)] = parsed.args[i];
  });
  return out;
}

function tokenName(token: unknown): string {
  return token === ZeroAddress ? "ETH" : `token ${String(token)}`;
}

function formatArgs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .map(([k, v]) => `${k}=${typeof v === "bigint" ? v.toString() : String(v)}`)
    .join(", ");
}
