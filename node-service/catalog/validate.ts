/**
 * Shape and semantic rules of a record, without cryptography. Each problem is one line that names
 * the field, so a rejected record in a log says what to fix.
 */
import type { TSchema } from "typebox";
import { Compile, type Validator } from "typebox/compile";
import type { TLocalizedValidationError } from "typebox/error";
import { getAddress } from "ethers";
import { bidId, jobStatusId, ratingId, idOwner } from "./ids.ts";
import { BoundedCache } from "./lru.ts";
import { LIVE_SCHEMAS, RECORD_KINDS, TombstoneRecordSchema, type CatalogRecord, type RecordKind } from "./records.ts";

const UINT256_MAX = (1n << 256n) - 1n;

// Compiled once: the catch-up after a restart checks thousands of records.
const liveValidators = Object.fromEntries(RECORD_KINDS.map((k) => [k, Compile(LIVE_SCHEMAS[k])])) as Record<RecordKind, Validator>;
const tombstoneValidator = Compile(TombstoneRecordSchema);

/** Problems with `value` as a record; empty when it is one. `value` must be plain JSON data. */
export function recordProblems(value: unknown): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return ["record must be a JSON object"];
  const v = value as Record<string, unknown>;
  if (!(RECORD_KINDS as readonly unknown[]).includes(v.kind)) return [`kind must be one of ${RECORD_KINDS.join(", ")}`];
  const tombstone = "deleted" in v;
  if (tombstone && v.deleted !== true) return ["deleted must be true when present (a live record omits it)"];
  const validator = tombstone ? tombstoneValidator : liveValidators[v.kind as RecordKind];
  if (!validator.Check(value)) return schemaProblems(validator, value);
  return semanticProblems(value as CatalogRecord);
}

/** One line per problem of a value that failed `validator.Check`, each naming its field. */
export function schemaProblems(validator: Validator, value: unknown): string[] {
  const problems = describe(validator.Type(), validator.Errors(value));
  // never "valid" because the error list was empty or cut short
  return problems.length > 0 ? problems : ["does not match the schema"];
}

function semanticProblems(r: CatalogRecord): string[] {
  const out: string[] = [];
  const owner = r.owner.peerId;
  if (r.kind === "node") {
    if (r.id !== owner) out.push("id of a node announcement must be the owner's PeerId");
  } else if (idOwner(r.id) !== owner || r.id === owner) {
    out.push(`id must be '<owner.peerId>:<name>' (it belongs to ${idOwner(r.id)}, the record is signed for ${owner})`);
  }
  checksummed(out, "owner.wallet", r.owner.wallet);
  if (r.deleted) return out;

  switch (r.kind) {
    case "prompt":
      if (r.body.currency !== "ETH") checksummed(out, "body.currency", r.body.currency);
      uint256(out, "body.price", r.body.price);
      if (r.body.tokenId !== undefined) uint256(out, "body.tokenId", r.body.tokenId);
      break;
    case "node":
      if (r.body.wallet !== r.owner.wallet) out.push("body.wallet must equal owner.wallet");
      uint256(out, "body.prices.perCpuSecondWei", r.body.prices.perCpuSecondWei);
      uint256(out, "body.prices.perGbWei", r.body.prices.perGbWei);
      break;
    case "job":
      if ((r.body.runtime === undefined) === (r.body.image === undefined)) out.push("body must have exactly one of runtime and image");
      uint256(out, "body.maxPriceWei", r.body.maxPriceWei);
      break;
    case "bid":
      uint256(out, "body.priceWei", r.body.priceWei);
      if (r.id !== bidId(owner, r.body.jobId)) out.push("id of a bid must be bidId(owner.peerId, body.jobId)");
      break;
    case "jobStatus":
      if (r.id !== jobStatusId(owner, r.body.jobId)) out.push("id of a job status must be jobStatusId(owner.peerId, body.jobId)");
      break;
    case "rating":
      if (r.id !== ratingId(owner, r.body.target)) out.push("id of a rating must be ratingId(owner.peerId, body.target)");
      if (idOwner(r.body.target.id) === owner) out.push("body.target must not be the rater's own record");
      break;
  }
  return out;
}

// EIP-55 hashes the address with keccak in JavaScript; the same few wallets sign most records.
const checksumOk = new BoundedCache<string, true>(4096);

// One spelling per address: the EIP-55 form is what the binding message and the UI show.
function checksummed(out: string[], field: string, address: string): void {
  if (checksumOk.get(address)) return;
  let expected: string | undefined;
  try {
    expected = getAddress(address);
  } catch {
    // a mixed-case address with a wrong checksum
  }
  if (expected === address) checksumOk.set(address, true);
  else out.push(`${field} must be the EIP-55 checksummed address${expected ? ` (${expected})` : ""}`);
}

function uint256(out: string[], field: string, wei: string): void {
  if (BigInt(wei) > UINT256_MAX) out.push(`${field} must not exceed 2^256 - 1`);
}

function describe(root: TSchema, errors: TLocalizedValidationError[]): string[] {
  const lines = new Set<string>();
  // TypeBox reports an unknown field twice (a `boolean` error on the field, an `additionalProperties`
  // error on its parent) and cuts the list at a few errors, so either may come alone
  const unknown = new Map<string, Set<string>>();
  const addUnknown = (parent: string, names: string[]) => {
    const set = unknown.get(parent) ?? new Set<string>();
    for (const n of names) set.add(n);
    unknown.set(parent, set);
  };
  for (const e of errors) {
    const field = fieldName(e.instancePath);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case "boolean": {
        const cut = e.instancePath.lastIndexOf("/");
        if (e.schemaPath.endsWith("/additionalProperties")) addUnknown(fieldName(e.instancePath.slice(0, cut)), [e.instancePath.slice(cut + 1)]);
        else lines.add(`${field} must not be present`);
        break;
      }
      case "additionalProperties":
        addUnknown(field, (params.additionalProperties as string[] | undefined) ?? []);
        break;
      case "required":
        for (const p of (params.requiredProperties as string[] | undefined) ?? []) lines.add(`${field === "record" ? "" : field + "."}${p} is required`);
        break;
      case "enum":
        lines.add(`${field} must be one of ${((params.allowedValues as unknown[]) ?? []).join(", ")}`);
        break;
      case "const":
        lines.add(`${field} must be ${JSON.stringify(params.allowedValue)}`);
        break;
      case "not":
        lines.add(`${field} must not be present`);
        break;
      case "pattern": {
        const description = schemaAt(root, e.schemaPath)?.description;
        lines.add(`${field} must be ${typeof description === "string" ? description : `a string matching ${String(params.pattern)}`}`);
        break;
      }
      default:
        lines.add(`${field} ${e.message}`);
    }
  }
  for (const [parent, names] of unknown) {
    const list = [...names].map((x) => `'${x}'`).join(", ");
    lines.add(`${parent}: unknown field${names.size > 1 ? "s" : ""} ${list}`);
  }
  return [...lines];
}

const fieldName = (instancePath: string) => instancePath.replace(/^\//, "").replaceAll("/", ".").replaceAll("~1", "/").replaceAll("~0", "~") || "record";

function schemaAt(root: TSchema, pointer: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const part of pointer.replace(/^#\/?/, "").split("/")) {
    if (part === "") continue;
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return typeof node === "object" && node !== null ? (node as Record<string, unknown>) : undefined;
}
