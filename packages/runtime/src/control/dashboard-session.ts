import { randomBytes } from 'node:crypto';
import { secretsEqual } from './control-token.js';

/** The cookie that carries a dashboard session. */
export const dashboardCookie = 'topolab_dashboard';

/** Options of createDashboardSessions. */
export interface DashboardSessionsOptions {
  /** How long a login link works before its first use. @default 10 minutes */
  readonly ticketTtlMs?: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** Login links for the web dashboard and the one session cookie they open. */
export interface DashboardSessions {
  /** A new single-use login ticket (22 base64url chars). */
  issueTicket(): string;
  /** Consumes `ticket`: true (once) when it was issued and has not expired. */
  redeem(ticket: string): boolean;
  /** The `Set-Cookie` value a redeemed ticket answers with. */
  readonly setCookie: string;
  /** Whether a `Cookie` header carries this topology's session. */
  hasSession(cookieHeader: string | undefined): boolean;
}

/**
 * The browser's way in, as Jupyter's login link: `topolab up` prints a URL holding a ticket
 * (never the control token itself); the first visit trades it for an HttpOnly, SameSite=Strict
 * session cookie and the ticket is void (single use, 10 minutes). `topolab dashboard` asks the
 * control API, with the bearer token, for a new one. OWASP ASVS 5.0 V3.3 (cookie attributes).
 */
export function createDashboardSessions(options: DashboardSessionsOptions = {}): DashboardSessions {
  const ttl = options.ticketTtlMs ?? 10 * 60_000;
  const clock = options.clock ?? Date.now;
  const session = randomBytes(32).toString('base64url');
  const tickets = new Map<string, number>();
  return {
    issueTicket() {
      const now = clock();
      for (const [ticket, expiresAt] of tickets) if (expiresAt <= now) tickets.delete(ticket);
      const ticket = randomBytes(16).toString('base64url');
      tickets.set(ticket, now + ttl);
      return ticket;
    },
    redeem(ticket) {
      for (const [issued, expiresAt] of tickets) {
        if (!secretsEqual(ticket, issued)) continue;
        tickets.delete(issued);
        return expiresAt > clock();
      }
      return false;
    },
    setCookie: `${dashboardCookie}=${session}; HttpOnly; SameSite=Strict; Path=/`,
    hasSession(cookieHeader) {
      for (const part of (cookieHeader ?? '').split(';')) {
        const [name, ...value] = part.trim().split('=');
        if (name === dashboardCookie && secretsEqual(value.join('='), session)) return true;
      }
      return false;
    },
  };
}
