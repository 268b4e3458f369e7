// Expected refusals of the card APIs, each with a stable code; mapped to statuses in one place
// (cardErrorHandler in router.ts).
export class CardApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CardApiError';
  }
}

export const notFound = (what: string) => new CardApiError(404, 'NOT_FOUND', `${what} not found`);
export const notWired = (what: string) =>
  new CardApiError(501, 'NOT_AVAILABLE', `${what} is not available on this sidecar`);
