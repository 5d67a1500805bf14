import type { TSchema, Static } from "typebox";
import Value from "typebox/value";
import { AscendError } from "./errors.ts";

/** One line per problem, each naming the field: `apiPort must be integer`. */
export function describeErrors(schema: TSchema, value: unknown): string[] {
  const out: string[] = [];
  const skipped: string[] = [];
  for (const e of Value.Errors(schema, value)) {
    // usually a duplicate of the additionalProperties line; kept in case it is all there is
    if (e.keyword === "boolean") {
      skipped.push(`${e.instancePath.replace(/^\//, "").replaceAll("/", ".") || "value"} is not allowed`);
      continue;
    }
    const field = e.instancePath.replace(/^\//, "").replaceAll("/", ".");
    if (e.keyword === "additionalProperties") {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      out.push(`${field ? field + ": " : ""}unknown field${extra.length > 1 ? "s" : ""} ${extra.map((x) => `'${x}'`).join(", ")}`);
    } else {
      out.push(`${field || "value"} ${e.message}`);
    }
  }
  // TypeBox stops after a handful of errors: a value must never fail with no reason given
  return out.length > 0 ? out : skipped;
}

/** Checks `value` against `schema`; on failure throws BAD_REQUEST whose message names each bad field. */
export function parseOrThrow<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  if (Value.Check(schema, value)) return value as Static<T>;
  const problems = describeErrors(schema, value);
  throw new AscendError("BAD_REQUEST", `${what}: ${problems.join("; ") || "invalid"}`);
}
