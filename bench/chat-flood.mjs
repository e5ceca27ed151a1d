#!/usr/bin/env node
// Issue 24's figures for the chat's abuse limits (docs/chat-limits.md), measured on a real
// topology it starts (two chat instances, through the gateway; the gateway's own limiter off):
//   flood — one socket sends N frames as fast as it can while another user on the same chat
//     instance sends 20: frames acknowledged, stored, delivered to a socket on the other
//     instance, refused CHAT_RATE_LIMITED, how the flooder was closed, bus publish failures and
//     timeouts, and the other user's messages delivered / sent;
//   sockets — one user opens N sockets: accepted, refused 429 CHAT_TOO_MANY_SOCKETS, and the
//     gateway's open fds before, with the accepted ones open, and after the refusals.
// Run after `npx tsc -b && node scripts/bundle.mjs`. Linux (fds from /proc).
// Usage: node bench/chat-flood.mjs [--frames 3000] [--sockets 25] [--bus embedded|redis] [--json]
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectWebSocket, createGatewayClient, startTopology } from '../packages/runtime/dist/index.js';
import { toWebSocketUrl } from '../packages/runtime/dist/client/index.js';
import { chatLimits } from '../packages/runtime/dist/dsl.js';
import { createSessions } from './lib/sessions.mjs';
import { waitUntil } from './lib/stats.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const frames = Number(option('--frames', '3000'));
const socketCount = Number(option('--sockets', '25'));
const bus = option('--bus', 'embedded');
const asJson = args.includes('--json');
const log = (line) => process.stderr.write(`${line}\n`);
const room = 'lobby';

const isMessage = (frame, from) => frame?.type === 'message' && (from === undefined || frame.from === from);
const textsFrom = (socket, userId) => socket.received.filter((frame) => isMessage(frame, userId)).map((frame) => frame.text);

async function withTopology(run) {
  const dataDir = mkdtempSync(join(tmpdir(), 'topolab-bench-chat-'));
  const failures = [];
  const onEvent = (event) => {
    if (event.type === 'event' && event.name === 'chat.fanout.failed') failures.push(event.data);
  };
  const topology = await startTopology({ dataDir, gatewayPort: 0, fresh: true, limits: { rateLimitRps: 0, blacklistThreshold: 0 }, backends: { bus }, onEvent });
  const gateway = createGatewayClient(topology.gatewayUrl);
  try {
    return await run({ topology, gateway, failures, url: toWebSocketUrl(topology.gatewayUrl, '/chat/ws') });
  } finally {
    gateway.close();
    await topology.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function open(url, token) {
  const socket = await connectWebSocket({ url, token });
  const welcome = await socket.next((frame) => frame?.type === 'welcome', { timeoutMs: 10_000 });
  socket.send({ type: 'join', room });
  await socket.next((frame) => frame?.type === 'joined', { timeoutMs: 10_000 });
  return { socket, instanceId: welcome.instanceId };
}

/** Opens sockets for `token` until one lands where `accepts` says (closing the others). */
async function openWhere(url, token, accepts) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const chat = await open(url, token);
    if (accepts(chat.instanceId)) return chat;
    await chat.socket.close();
  }
  throw new Error('no socket landed on the chat instance wanted');
}

async function flood({ topology, gateway, failures, url }) {
  const [flooder, other, receiver] = await createSessions(gateway, topology, 3, 1);
  const loud = await open(url, flooder.accessToken);
  const meanwhile = await openWhere(url, other.accessToken, (id) => id === loud.instanceId);
  const far = await openWhere(url, receiver.accessToken, (id) => id !== loud.instanceId);
  const theirs = Array.from({ length: 20 }, (_, i) => `meanwhile ${i}`);
  for (let i = 0; i < frames; i++) loud.socket.send({ type: 'send', room, text: `flood ${i}` });
  for (const text of theirs) meanwhile.socket.send({ type: 'send', room, text });
  const closed = await Promise.race([loud.socket.closed, new Promise((resolve) => setTimeout(() => resolve(undefined), 30_000))]);
  // Every answer to `other` (its message or an error) is in before the marker is published.
  await waitUntil(() => meanwhile.socket.received.filter((frame) => isMessage(frame, other.userId) || frame?.type === 'error').length >= theirs.length, 10_000);
  meanwhile.socket.send({ type: 'send', room, text: 'marker' });
  await far.socket.next((frame) => isMessage(frame) && frame.text === 'marker', { timeoutMs: 10_000 });
  const acknowledged = textsFrom(loud.socket, flooder.userId);
  const history = await gateway.request({ method: 'GET', path: `/chat/rooms/${room}/messages?limit=200`, token: receiver.accessToken });
  const delivered = new Set(textsFrom(far.socket, flooder.userId));
  const theirsDelivered = textsFrom(far.socket, other.userId).filter((text) => text !== 'marker');
  for (const chat of [loud, meanwhile, far]) await chat.socket.close();
  return {
    bus,
    framesSent: frames,
    acknowledged: acknowledged.length,
    stored: history.body.messages.filter((message) => message.from === flooder.userId).length,
    deliveredToOtherInstance: delivered.size,
    acknowledgedButNotDelivered: acknowledged.filter((text) => !delivered.has(text)).length,
    refusedRateLimited: loud.socket.received.filter((frame) => frame?.type === 'error' && frame.code === 'CHAT_RATE_LIMITED').length,
    closed: closed ? `${closed.code} ${closed.reason}` : 'still open after 30 s',
    busPublishFailures: failures.length,
    busTimeouts: failures.filter((failure) => failure.timedOut).length,
    otherUserDelivered: theirsDelivered.length,
    otherUserSent: theirs.length,
    instances: { flooder: loud.instanceId, otherUser: meanwhile.instanceId, receiver: far.instanceId },
  };
}

async function sockets({ topology, gateway, url }) {
  const [user] = await createSessions(gateway, topology, 1, 1);
  const pid = topology.instances().find((instance) => instance.service === 'gateway').pid;
  const fds = () => readdirSync(`/proc/${pid}/fd`).length;
  // Settling, not asserting: the figures say what the fds did.
  const settle = (condition) => waitUntil(condition, 10_000).catch(() => undefined);
  // One handshake first, so the connections the gateway keeps (to the registry, Redis, the lb) are in the baseline.
  await (await connectWebSocket({ url, token: user.accessToken })).close();
  const before = fds();
  const held = [];
  const refusals = {};
  for (let i = 0; i < socketCount; i++) {
    try {
      held.push(await connectWebSocket({ url, token: user.accessToken }));
    } catch (error) {
      const key = `${error.details?.status} ${error.details?.code ?? error.code}`;
      refusals[key] = (refusals[key] ?? 0) + 1;
    }
  }
  const withSockets = fds();
  // Refused tunnels close a moment after the client sees the answer.
  await settle(() => fds() <= before + 2 * held.length);
  const after = fds();
  for (const socket of held) await socket.close();
  await settle(() => fds() <= before);
  return { cap: chatLimits.maxSocketsPerUser, opened: socketCount, accepted: held.length, refused: refusals, gatewayFds: { before, withSockets, afterRefusals: after, afterClosing: fds() } };
}

const result = {
  flood: await withTopology(flood),
  sockets: await withTopology(sockets),
};
if (asJson) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const f = result.flood;
  log(`chat flood (bus ${f.bus}): one socket sent ${f.framesSent} frames at once; another user sent ${f.otherUserSent} meanwhile on the same chat instance`);
  log(`  acknowledged ${f.acknowledged}, stored ${f.stored}, delivered to the other instance's socket ${f.deliveredToOtherInstance} (acknowledged but not delivered: ${f.acknowledgedButNotDelivered})`);
  log(`  refused CHAT_RATE_LIMITED ${f.refusedRateLimited}, flooder closed: ${f.closed}`);
  log(`  bus publish failures ${f.busPublishFailures}, of which timeouts ${f.busTimeouts}`);
  log(`  other user's messages delivered to the other instance: ${f.otherUserDelivered}/${f.otherUserSent}`);
  const s = result.sockets;
  log(`sockets per user (cap ${s.cap}): opened ${s.opened}, accepted ${s.accepted}, refused ${JSON.stringify(s.refused)}`);
  log(`  gateway fds: before ${s.gatewayFds.before}, with the accepted sockets ${s.gatewayFds.withSockets}, after the refusals ${s.gatewayFds.afterRefusals}, after closing all ${s.gatewayFds.afterClosing}`);
}
