import { rawRequest } from './raw-http.js';

/** A request-smuggling attempt: the bytes, and what a parser that falls for it would run. */
export interface SmugglingAttempt {
  /** What the attempt plays on, for the step's narration. */
  readonly title: string;
  /** The whole write: a front request whose framing is ambiguous, with a second request hidden in it. */
  readonly bytes: string;
}

/** The registration a smuggled request would make (its username and phone prove whether it ran). */
export interface SmuggledUser {
  readonly username: string;
  readonly password: string;
  readonly phone: string;
  readonly firstName: string;
}

/** `POST /auth/register` in wire form: the request hidden behind an ambiguous front request. */
export function smuggledRegistration(host: string, user: SmuggledUser): string {
  const body = JSON.stringify(user);
  return rawRequest([`POST /auth/register HTTP/1.1`, `Host: ${host}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`], body);
}

/**
 * The classic desyncs (PortSwigger's CL.TE and TE.CL, duplicate lengths, obs-fold, an
 * obfuscated Transfer-Encoding, whitespace before the colon): each front request is framed
 * so that a lenient parser, or a proxy and an upstream that disagree, would read `smuggled`
 * as a request of its own. A strict HTTP/1.1 server answers 400 and closes instead.
 */
export function smugglingAttempts(host: string, smuggled: (index: number) => string): SmugglingAttempt[] {
  const front = (index: number, headers: readonly string[], body: string) =>
    rawRequest([`POST /auth/login HTTP/1.1`, `Host: ${host}`, 'Content-Type: application/json', ...headers], body + smuggled(index));
  const lastChunk = '0\r\n\r\n';
  return [
    { title: 'Content-Length and Transfer-Encoding together (CL.TE)', bytes: front(0, [`Content-Length: ${lastChunk.length}`, 'Transfer-Encoding: chunked'], lastChunk) },
    { title: 'Transfer-Encoding before a Content-Length that covers the hidden request (TE.CL)', bytes: front(1, ['Transfer-Encoding: chunked', `Content-Length: ${lastChunk.length + smuggled(1).length}`], lastChunk) },
    { title: 'two different Content-Length headers', bytes: front(2, ['Content-Length: 0', `Content-Length: ${smuggled(2).length}`], '') },
    { title: 'Transfer-Encoding hidden in an obs-fold continuation line', bytes: front(3, ['Content-Length: 0', 'X-Note: folded', ' Transfer-Encoding: chunked'], '') },
    { title: 'Transfer-Encoding folded onto the next line', bytes: front(4, ['Transfer-Encoding:', ' chunked', 'Content-Length: 0'], lastChunk) },
    { title: 'an obfuscated Transfer-Encoding (chunked, identity)', bytes: front(5, ['Transfer-Encoding: chunked, identity'], lastChunk) },
    { title: 'whitespace between Content-Length and its colon', bytes: front(6, ['Content-Length : 0'], '') },
  ];
}
