import type { TSchema, Static } from "typebox";
import Value from "typebox/value";
import { AscendError } from "./errors.ts";

/** One line per problem, each naming the field: `apiPort must be integer`. */
export function describeErrors(schema: TSchema, value: unknown): string[] {
  const out: string[] = [];
  for (const e of Value.Errors(schema, value)) {
    if (e.keyword === "boolean") continue; // duplicate of the additionalProperties line
    const field = e.instancePath.replace(/^\//, "").replaceAll("/", ".");
    if (e.keyword === "additionalProperties") {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      out.push(`${field ? field + ": " : ""}unknown field${extra.length > 1 ? "s" : ""} ${extra.map((x) => `'${x}'`).join(", ")}`);
    } else {
      out.push(`${field || "value"} ${e.message}`);
    }
  }
  return out;
}

/** Checks `value` against `schema`; on failure throws BAD_REQUEST whose message names each bad field. */
export function parseOrThrow<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  if (Value.Check(schema, value)) return value as Static<T>;
  const problems = describeErrors(schema, value);
  throw new AscendError("BAD_REQUEST", `${what}: ${problems.join("; ") || "invalid"}`);
}
