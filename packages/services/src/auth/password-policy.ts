/** Passwords refused whatever else is true of them (lower-cased). A short list: this is a lab, not a breach corpus. */
const commonPasswords = new Set([
  'password1', 'password12', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword1', 'qwerty123', 'qwerty12',
  'qwertyuiop1', 'abc12345', 'abcd1234', 'abc123456', '1q2w3e4r', '1qaz2wsx', 'zaq12wsx', 'letmein1',
  'welcome1', 'welcome123', 'iloveyou1', 'admin123', 'admin1234', 'monkey123', 'dragon123', 'football1',
  'baseball1', 'sunshine1', 'princess1', 'trustno1', 'master123', 'login123', 'changeme1', 'secret123',
  'test1234', 'user1234', 'summer2024', 'winter2024', 'topolab1', 'topolab123',
]);

/** Why a password was refused (never the password itself). */
export type WeakPasswordReason = 'too-short' | 'no-letter' | 'no-digit' | 'contains-username' | 'common';

const descriptions: Record<WeakPasswordReason, string> = {
  'too-short': 'must be at least 8 characters',
  'no-letter': 'must contain a letter',
  'no-digit': 'must contain a digit',
  'contains-username': 'must not contain the username',
  common: 'is a common password',
};

/** Every reason `password` is too weak for `username`; empty when it is acceptable. */
export function checkPasswordStrength(password: string, username: string): WeakPasswordReason[] {
  const reasons: WeakPasswordReason[] = [];
  if ([...password].length < 8) reasons.push('too-short');
  if (!/\p{L}/u.test(password)) reasons.push('no-letter');
  if (!/\p{Nd}/u.test(password)) reasons.push('no-digit');
  if (username.length > 0 && password.toLowerCase().includes(username.toLowerCase())) reasons.push('contains-username');
  if (commonPasswords.has(password.toLowerCase())) reasons.push('common');
  return reasons;
}

/** A one-line description of a reason, for error details. */
export function describeWeakPassword(reason: WeakPasswordReason): string {
  return descriptions[reason];
}
