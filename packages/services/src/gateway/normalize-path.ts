import { gatewayErrors } from './errors.js';

/** A request target the gateway accepted. */
export interface NormalizedTarget {
  /** The path the gateway routes on, with needlessly encoded characters decoded. */
  readonly path: string;
  /** The query with its `?`, untouched; empty when there is none. */
  readonly search: string;
  /** What is forwarded upstream: `path` + `search`. */
  readonly url: string;
}

// Beyond this many layers of percent-encoding no honest client goes.
const maxDecodeLayers = 4;
const controlCharacter = /[\x00-\x1f\x7f]/;
const malformedPercent = /%(?![0-9a-fA-F]{2})/;
const encodedByte = /%[0-9a-fA-F]{2}/;
const encodedBytes = /%([0-9a-fA-F]{2})/g;

/**
 * Validates a raw request target (`req.url`) and normalises its path, without WHATWG URL
 * (which would silently resolve dot segments). Rejects with GATEWAY_PATH_INVALID: a target
 * that is not origin-form (`*`, `http://…`), a fragment, control characters, a backslash,
 * malformed percent-encoding, empty segments (`//`), and `.`/`..` segments or encoded
 * slashes, backslashes and control characters at any layer of encoding (`%2e`, `.%2E`,
 * `%252e`, `%2f`, `%5c`, `%00`). A single trailing slash is allowed.
 */
export function normalizeTarget(target: string): NormalizedTarget {
  if (target.charCodeAt(0) !== 47 /* / */) throw invalid('it is not an origin-form path');
  if (controlCharacter.test(target)) throw invalid('it holds a control character');
  if (target.includes('#')) throw invalid('it holds a fragment');
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const search = queryAt === -1 ? '' : target.slice(queryAt);
  if (rawPath.includes('\\')) throw invalid('it holds a backslash');
  if (malformedPercent.test(rawPath)) throw invalid('it holds malformed percent-encoding');

  const segments = rawPath.split('/');
  let changed = false;
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '') {
      if (i === segments.length - 1) continue;
      throw invalid('it holds an empty segment');
    }
    if (segment === '.' || segment === '..') throw invalid('it holds a dot segment');
    if (!segment.includes('%')) continue;
    const normalized = normalizeSegment(segment);
    if (normalized !== segment) {
      segments[i] = normalized;
      changed = true;
    }
  }
  if (!changed) return { path: rawPath, search, url: target };
  const path = segments.join('/');
  return { path, search, url: path + search };
}

// Looks through every layer of encoding (an upstream may decode more than once), then
// decodes unreserved characters (RFC 3986 §6.2.2.2) so `/%61uth` routes like `/auth`.
function normalizeSegment(segment: string): string {
  let layer = segment;
  for (let depth = 0; encodedByte.test(layer); depth++) {
    if (depth === maxDecodeLayers) throw invalid('it is encoded too many times');
    layer = layer.replace(encodedBytes, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (layer === '.' || layer === '..') throw invalid('it holds an encoded dot segment');
    if (layer.includes('/') || layer.includes('\\')) throw invalid('it holds an encoded slash or backslash');
    if (controlCharacter.test(layer)) throw invalid('it holds an encoded control character');
  }
  return segment.replace(encodedBytes, (match, hex: string) => {
    const code = parseInt(hex, 16);
    return isUnreserved(code) ? String.fromCharCode(code) : match.toUpperCase();
  });
}

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e // - . _ ~
  );
}

function invalid(reason: string) {
  return gatewayErrors.GATEWAY_PATH_INVALID({ message: `The request path is not allowed: ${reason}.` });
}
