// The inbox's one domain error: routes turn its code into a status.
export type InboxErrorCode = "not_found" | "invalid" | "conflict" | "unavailable";

export const INBOX_ERROR_STATUS: Record<InboxErrorCode, number> = {
  not_found: 404,
  invalid: 400,
  conflict: 409,
  unavailable: 503,
};

export class InboxError extends Error {
  readonly code: InboxErrorCode;
  constructor(code: InboxErrorCode, message: string = code) {
    super(message);
    this.name = "InboxError";
    this.code = code;
  }
  get status(): number {
    return INBOX_ERROR_STATUS[this.code];
  }
}
