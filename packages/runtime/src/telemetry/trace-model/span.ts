/** The span every view of the trace model reads (type only: nothing of the services reaches a browser). */
export type { Span } from '@topolab/services/contract';

/** Attributes of a span, never undefined. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;
