/** A malformed search query: what is wrong and where (0-based position in the query). */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly problem: string,
    readonly position: number,
  ) {
    super(`${problem} at position ${position}`);
  }
}
