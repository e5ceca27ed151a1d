import { defineErrors } from '../kit/errors.js';

/** Error codes of the profile service. */
export const profileErrors = defineErrors({
  PROFILE_NOT_FOUND: [404, 'This user has no profile yet.', 'Create it with POST /profile.'],
  PROFILE_USER_NOT_FOUND: [404, 'That user has no profile.', 'Only users who created a profile have one to read.'],
  PROFILE_EXISTS: [409, 'This user already has a profile.', 'Change it with POST /profile/update.'],
  PROFILE_DB_UNAVAILABLE: [503, 'The profile database cannot be read.', 'See the profile instance log.'],
});
