// Prompt listings as the extension shows them: price and fee, rating, grouping. Pure (no vscode), so the
// Marketplace view, search and the detail panel share it and unit tests run it directly.
import type { PromptHit } from "../node-service/api/protocol.ts";
import type { PromptDetail } from "../webviews/protocol.ts";
import { shortAddress, shortPeerId } from "./short.ts";
import { formatEther, formatUnits } from "./wei.ts";

type AnyRecord = PromptHit["record"];
/** A live prompt listing (not a delisting) with its rating summary, as search answers it. */
export type Listing = { record: Extract<AnyRecord, { kind: "prompt"; body: { contentCid: string } }>; rating: PromptHit["rating"] };

/** The hits that are live prompt listings (search answers only those; the protocol allows any record). */
export function isListing(hit: PromptHit): hit is Listing {
  return hit.record.kind === "prompt" && hit.record.deleted !== true && hit.record.body !== undefined;
}

/** The marketplace contract's fee: 3.00% in basis points, rounded down (contracts/FeeMath.sol). */
export const MARKET_FEE_BPS = 300n;
const BPS = 10_000n;

/** What a buyer pays for `price` base units: the price, of which the fee goes to the marketplace and the rest to the seller. */
export function priceSplit(price: bigint | string): { pays: bigint; fee: bigint; seller: bigint } {
  const pays = BigInt(price);
  if (pays < 0n) throw new RangeError(`a negative price: ${pays}`);
  const fee = (pays * MARKET_FEE_BPS) / BPS;
  return { pays, fee, seller: pays - fee };
}

/** "3%" (or "2.5%"): the fee rate in words. */
export function feePercent(): string {
  return `${formatUnits(MARKET_FEE_BPS, 2)}%`;
}

/**
 * An amount in a listing's currency, exact: ETH in ether ("0.0015 ETH"); an ERC-20 token in its base
 * units with the token's short address (listings do not carry the token's decimals).
 */
export function formatPrice(amount: bigint | string, currency: string): string {
  if (currency === "ETH") return formatEther(amount);
  return `${formatUnits(amount, 0)} units of ${shortAddress(currency)}`;
}

/** "★ 4.5 (12)", or "No ratings yet". */
export function ratingText(rating: PromptHit["rating"]): string {
  if (rating.count === 0 || rating.average === null) return "No ratings yet";
  return `★ ${rating.average.toFixed(1)} (${rating.count})`;
}

export type GroupBy = "tag" | "model";
export const UNTAGGED = "(untagged)";

export interface ListingGroup {
  /** the tag, or the model as first spelled; models group case-insensitively, as search filters them */
  name: string;
  listings: Listing[];
}

/**
 * Listings grouped by each of their tags (a listing with two tags is in both groups; one without any
 * is in UNTAGGED) or by model. Groups by name; listings keep the order they came in.
 */
export function groupListings(listings: readonly Listing[], by: GroupBy): ListingGroup[] {
  const groups = new Map<string, ListingGroup>();
  const add = (key: string, name: string, l: Listing) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name, listings: [] }));
    g.listings.push(l);
  };
  for (const l of listings) {
    const b = l.record.body;
    if (by === "model") add(b.model.toLowerCase(), b.model, l);
    else if (b.tags.length === 0) add(UNTAGGED, UNTAGGED, l);
    else for (const t of b.tags) add(t, t, l);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === UNTAGGED ? 1 : b === UNTAGGED ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => g);
}

/**
 * Reads up to `wanted` listings, newest first, in calls of at most `pageLimit` (the API's bound), and
 * the catalog's total. Undefined as soon as `stale()` says a newer read replaced this one.
 */
export async function readListings(
  list: (q: { sort: "newest"; offset: number; limit: number }) => Promise<{ total: number; items: PromptHit[] }>,
  wanted: number,
  pageLimit: number,
  stale: () => boolean,
): Promise<{ listings: Listing[]; total: number } | undefined> {
  const listings: Listing[] = [];
  let read = 0;
  let total = 0;
  do {
    const page = await list({ sort: "newest", offset: read, limit: Math.min(pageLimit, wanted - read) });
    if (stale()) return undefined;
    total = page.total;
    read += page.items.length;
    listings.push(...page.items.filter(isListing));
    if (page.items.length === 0) break;
  } while (read < Math.min(wanted, total));
  return { listings, total };
}

/** The one-line summary of a listing: price and rating. */
export function listingSummary(l: Listing): string {
  return `${formatPrice(l.record.body.price, l.record.body.currency)} · ${ratingText(l.rating)}`;
}

/** What the detail panel shows of a listing. */
export function promptDetail(l: Listing): PromptDetail {
  const { record } = l;
  const b = record.body;
  const split = priceSplit(b.price);
  return {
    id: record.id,
    version: record.version,
    createdAt: record.createdAt ?? null,
    title: b.title,
    description: b.description,
    preview: b.preview,
    model: b.model,
    tags: b.tags,
    license: b.license,
    price: { pays: formatPrice(split.pays, b.currency), fee: formatPrice(split.fee, b.currency), seller: formatPrice(split.seller, b.currency), feePercent: feePercent() },
    seller: { peerId: record.owner.peerId, peerIdShort: shortPeerId(record.owner.peerId), wallet: record.owner.wallet, walletShort: shortAddress(record.owner.wallet) },
    rating: ratingText(l.rating),
  };
}
