/** Error codes that cross the API boundary as data (never thrown across a transport). */
export type ErrorCode =
  | 'BAD_INPUT'
  | 'UNKNOWN_METHOD'
  | 'NOT_FOUND'
  | 'OUTSIDE_CITY'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  // The account must change its password (after a reset; the first administrator) before anything else.
  | 'PASSWORD_CHANGE_REQUIRED';

/** The error shape every transport returns: `{ ok: false, error }`. */
export interface ApiErrorData {
  code: ErrorCode;
  message: string;
  details?: { field?: string; issues?: { path: string; message: string }[]; [k: string]: unknown };
}

/** A result as it crosses a transport. */
export type ApiResult<T> = { ok: true; result: T } | { ok: false; error: ApiErrorData };

/** An error raised inside the core; transports turn it into `ApiErrorData`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details?: ApiErrorData['details'];
  constructor(code: ErrorCode, message: string, details?: ApiErrorData['details']) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
  /** The data form of this error. */
  toData(): ApiErrorData {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/** HTTP status for each error code (4xx for the caller's mistakes). */
export const httpStatusOf: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  UNKNOWN_METHOD: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  OUTSIDE_CITY: 422,
  INTERNAL: 500,
};
