import Type, { type Static } from "typebox";

// Kept apart from the store so the API protocol (and through it the extension) can use the schema
// without pulling in the file-system code.
export const NodeSettingsSchema = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: "^[^\\u0000-\\u001f]+$", description: "name shown to peers" })),
  },
  { additionalProperties: false },
);
export type NodeSettings = Static<typeof NodeSettingsSchema>;

