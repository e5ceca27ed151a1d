import type { SpamLabel } from './naive-bayes.js';

/** An attachment as the spam filter sees it (no bytes: those are the virus scanner's). */
export interface SpamAttachment {
  readonly filename: string;
  readonly contentType: string;
  /** Size in bytes. */
  readonly size: number;
}

/** A message to score or learn from. */
export interface SpamMessage {
  /** The From header as written, e.g. `"Ana Silva" <ana@example.com>` or `ana@example.com`. */
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly body: string;
  readonly attachments: readonly SpamAttachment[];
  /** The recipient whose own marks are combined with the global model. */
  readonly userId: string;
}

/** The filter's verdict on one message, stored with it. */
export interface SpamVerdict {
  /** Probability of spam, 0..1. */
  readonly score: number;
  /** `score >= threshold`: the message goes to the spam folder. */
  readonly spam: boolean;
  /** Why, one line each: `"<rule id>: <detail>"`, the classifier's first (`bayes: ...`). */
  readonly reasons: string[];
}

/** Scores messages and learns from a user's spam/not-spam marks. */
export interface SpamFilter {
  /** Scores a message for its recipient (`message.userId`). */
  score(message: SpamMessage): SpamVerdict;
  /** Records a user's mark: their later messages are scored with it. */
  learn(userId: string, message: SpamMessage, label: SpamLabel): void;
  /** Score at or above which a message is spam. */
  readonly threshold: number;
}

/** Identifiers of the header and content rules (the prefix of their reasons). */
export type SpamRuleId =
  /** The GTUBE test string: spam with certainty. */
  | 'gtube'
  /** Many exclamation marks. */
  | 'exclamations'
  /** A subject in capitals. */
  | 'caps-subject'
  /** Money or urgency phrases ("act now", "wire transfer"...). */
  | 'money-urgency'
  /** A link to a raw IP address instead of a host name. */
  | 'ip-link'
  /** The From display name claims another domain or brand than the address. */
  | 'from-mismatch'
  /** No subject, yet an attachment. */
  | 'empty-subject-attachment'
  /** An attachment named like a program or script. */
  | 'executable-attachment';

/** A rule that matched: its reason and how far it moves the score. */
export interface RuleHit {
  readonly id: SpamRuleId;
  /** Added to the log-odds of spam. */
  readonly weight: number;
  /** `"<id>: <detail>"`. */
  readonly reason: string;
  /** The message is spam whatever else is said (GTUBE). */
  readonly certain?: boolean;
}
