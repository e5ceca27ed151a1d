// The user flows live in the runtime (`topolab bench` uses them); these adapt them to the scripts' (gateway, topology) calls.
import { createBenchSessions, createBenchUser, logInBenchUser, registerBenchUser } from '../../packages/runtime/dist/bench/index.js';

const contextOf = (gateway, topology) => ({ gateway, phone: topology });

/** A unique test user. */
export const newUser = () => createBenchUser();

/** Registers and verifies a user through the gateway. */
export const register = (gateway, topology, user) => registerBenchUser(contextOf(gateway, topology), user);

/** Logs a verified user in with 2FA; resolves with the tokens. */
export const login = (gateway, topology, user) => logInBenchUser(contextOf(gateway, topology), user);

/** `count` sessions (access tokens) over users of at most `perUser` logins each. */
export const createSessions = (gateway, topology, count, perUser = 4) => createBenchSessions(contextOf(gateway, topology), count, perUser);
