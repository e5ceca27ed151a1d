import type { IncomingHttpHeaders } from 'node:http';

/** The subprotocol that marks the next one as an access token (`Sec-WebSocket-Protocol: bearer, <token>`). */
export const bearerSubprotocol = 'bearer';

/** Where a handshake's access token was, and the subprotocols left for the upstream. */
export interface UpgradeCredentials {
  /** An `Authorization` value for the auth stage: the client's own, else `Bearer <token>` from the subprotocols; undefined without either. */
  readonly authorization: string | undefined;
  /** Whether the token came as the subprotocol pair: the 101 then has to name `bearer`, as a browser requires. */
  readonly viaSubprotocol: boolean;
  /** The client's other subprotocols, for the upstream to choose from; undefined when none is left. */
  readonly subprotocols: string | undefined;
}

/**
 * Reads the access token of a WebSocket handshake: `Authorization: Bearer <token>` (Node
 * clients), or the subprotocol pair `bearer, <token>` (a browser's WebSocket cannot set
 * headers). The pair is removed from the subprotocols in any case, so the token never travels
 * further than the gateway.
 */
export function readUpgradeCredentials(headers: IncomingHttpHeaders): UpgradeCredentials {
  const offered = (headers['sec-websocket-protocol'] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const at = offered.findIndex((name) => name.toLowerCase() === bearerSubprotocol);
  const token = at === -1 ? undefined : offered[at + 1];
  const rest = at === -1 ? offered : [...offered.slice(0, at), ...offered.slice(at + 2)];
  const subprotocols = rest.length > 0 ? rest.join(', ') : undefined;
  if (headers.authorization !== undefined) return { authorization: headers.authorization, viaSubprotocol: at !== -1, subprotocols };
  return { authorization: token === undefined ? undefined : `Bearer ${token}`, viaSubprotocol: at !== -1, subprotocols };
}
