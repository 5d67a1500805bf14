// Short forms of long identifiers for labels; the full value goes into a tooltip or a copy action.

/** 0x1234…abcd */
export function shortAddress(address: string | null): string {
  return address ? `${address.slice(0, 6)}…${address.slice(-4)}` : "no wallet yet";
}

/** 12D3KooW…last6 */
export function shortPeerId(id: string): string {
  return `${id.slice(0, 8)}…${id.slice(-6)}`;
}
