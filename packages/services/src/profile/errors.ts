import { defineErrors } from '../kit/errors.js';

/** Error codes of the profile service. */
export const profileErrors = defineErrors({
  PROFILE_NOT_FOUND: { status: 404, message: 'This user has no profile yet.', hint: 'Create it with POST /profile.' },
  PROFILE_USER_NOT_FOUND: { status: 404, message: 'That user has no profile.', hint: 'Only users who created a profile have one to read.' },
  PROFILE_EXISTS: { status: 409, message: 'This user already has a profile.', hint: 'Change it with POST /profile/update.' },
  PROFILE_DB_UNAVAILABLE: { status: 503, message: 'The profile database cannot be read.', hint: 'See the profile instance log.' },
});
