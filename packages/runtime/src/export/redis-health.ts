/**
 * The health check of an exported redis-server, run by a shell in its container: PONG, or
 * NOAUTH (the default user is off and the check holds no password), means it is up.
 * redis-cli exits 0 on an error reply, so its answer is what decides.
 */
export const redisAnswersPing = 'redis-cli ping | grep -Eq "PONG|NOAUTH"';
