/** Error codes a user or a client can branch on. Each maps to one HTTP status at the API edge. */
export const ErrorCodes = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  CONFIG: 400,
  STATE_CORRUPT: 500,
  LOCKED: 409,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** An error whose message is written for the person who will read it, never a stack trace. */
export class AscendError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AscendError";
    this.code = code;
  }
  get status(): number {
    return ErrorCodes[this.code];
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
