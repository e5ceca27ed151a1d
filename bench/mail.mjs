#!/usr/bin/env node
// Measures the mail service's targets and prints the figures: search latency per query kind
// over 100,000 messages of one mailbox (seeded straight through the store, a realistic Zipf
// vocabulary), and the time to send to a group of 50 through the HTTP route with the real spam
// filter and virus scanner. Run after `npx tsc -b`.
// Usage: node bench/mail.mjs [--messages 100000] [--runs 40] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailApp } from '../packages/services/dist/mail/app.js';
import { createSpamFilter, createVirusScanner, spamMigrations } from '../packages/services/dist/mail/filters/index.js';
import { compileQuery } from '../packages/services/dist/mail/query/compile.js';
import { parseQuery } from '../packages/services/dist/mail/query/parse.js';
import { mailDatabaseFile, openMailStore } from '../packages/services/dist/mail/store.js';
import { createUserDirectory } from '../packages/services/dist/mail/users.js';
import { once } from 'node:events';
import { createTelemetry } from '../packages/services/dist/kit/telemetry.js';
import { fmt, percentile } from './lib/stats.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const messageCount = Number(option('--messages', '100000'));
const runs = Number(option('--runs', '40'));
const asJson = args.includes('--json');
const log = (line) => process.stderr.write(`${line}\n`);

// A seeded generator, so every run searches the same mailbox.
function createRandom(seed) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = createRandom(7);

/** 20,000 pronounceable words; word i is drawn with probability ∝ 1/(i+1) (Zipf), like natural text. */
function createVocabulary() {
  const consonants = 'bcdfghklmnprstvz';
  const vowels = 'aeiou';
  const words = new Set();
  while (words.size < 20_000) {
    let word = '';
    const syllables = 1 + Math.floor(random() * 3);
    for (let i = 0; i < syllables; i++) word += consonants[Math.floor(random() * consonants.length)] + vowels[Math.floor(random() * vowels.length)] + (random() < 0.3 ? consonants[Math.floor(random() * consonants.length)] : '');
    if (word.length >= 3) words.add(word);
  }
  const list = [...words];
  const cumulative = [];
  let total = 0;
  for (let i = 0; i < list.length; i++) cumulative.push((total += 1 / (i + 1)));
  const draw = () => {
    const target = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return list[lo];
  };
  return { list, draw };
}

const phrases = ['quarterly report', 'project kickoff', 'budget review', 'release notes'];
const senders = Array.from({ length: 200 }, (_, i) => `sender${i}@topolab.test`);

/** Seeds `count` messages into one user's inbox (and 10,000 into another's), 1,000 per transaction. */
function seedMailbox(store, vocabulary, count) {
  const started = performance.now();
  const sentAt0 = Date.UTC(2023, 0, 1);
  for (const [userId, total] of [['bench-user', count], ['other-user', Math.min(10_000, count)]]) {
    for (let done = 0; done < total; ) {
      const batch = [];
      for (let i = 0; i < 1000 && done < total; i++, done++) {
        const words = (n) => Array.from({ length: n }, vocabulary.draw).join(' ');
        let body = words(40 + Math.floor(random() * 120));
        if (random() < 0.03) body += ` ${phrases[Math.floor(random() * phrases.length)]} ${words(5)}`;
        const attachments = random() < 0.15 ? [{ filename: 'notes.txt', contentType: 'text/plain', data: Buffer.from(words(10)) }] : [];
        const from = senders[Math.floor(random() * senders.length)];
        batch.push({
          content: { sender: { address: from, name: 'Sender' }, to: ['bench-user@topolab.test'], cc: [], subject: words(3 + Math.floor(random() * 5)), body, sentAt: sentAt0 + done * 60_000, attachments },
          copies: [{ userId, mailbox: 'inbox', kind: 'mail', read: random() < 0.8 }],
        });
      }
      store.deliver(batch, Date.now());
    }
  }
  return performance.now() - started;
}

/** The query mix: several variants per kind, so no single lucky word decides a figure. */
function queryMix(vocabulary) {
  const { list } = vocabulary;
  const pick = (from, to, n) => Array.from({ length: n }, (_, i) => list[from + Math.floor(((to - from) * i) / n)]);
  return {
    'rare word': pick(3000, 8000, 8),
    'common word': pick(2, 30, 8),
    phrase: phrases.map((phrase) => `"${phrase}"`),
    prefix: pick(100, 400, 8).map((word) => `${word.slice(0, 3)}*`),
    'from:': ['from:sender7', 'from:sender42@topolab.test', 'from:sender150', 'from:sender199'],
    'word -negation': pick(2, 30, 8).map((word, i) => `${word} -${list[i + 40]}`),
    'has:attachment': ['has:attachment', ...pick(50, 300, 5).map((word) => `${word} has:attachment`)],
    'filters only': ['in:inbox', 'before:2023-02-01', `-${list[3]}`, 'after:2023-03-01 -has:attachment'],
  };
}

/** Times one search as the route runs it: parse, compile, the store's search, then the page's summaries. */
function timeSearch(store, range, query) {
  const started = performance.now();
  const plan = compileQuery(parseQuery(query));
  const found = store.search(range, plan, { limit: 20 });
  store.summaries('bench-user', found.hits.map((hit) => hit.id));
  return { ms: performance.now() - started, hits: found.hits.length, truncated: found.truncated };
}

function measureSearch(store, vocabulary) {
  const range = store.range('bench-user');
  const results = {};
  for (const [kind, queries] of Object.entries(queryMix(vocabulary))) {
    for (const query of queries) timeSearch(store, range, query);
    const times = [];
    let hits = 0;
    let truncated = 0;
    for (let i = 0; i < runs; i++) {
      const result = timeSearch(store, range, queries[i % queries.length]);
      times.push(result.ms);
      hits += result.hits;
      truncated += result.truncated ? 1 : 0;
    }
    const plan = store.explainSearch(range, compileQuery(parseQuery(queries[0])));
    results[kind] = { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), hitsPerPage: hits / runs, truncatedShare: truncated / runs, example: queries[0], plan };
  }
  return results;
}

/** Sends to a group of 50 contacts through the HTTP route (real filters, users warm in the LRU); answers the times. */
async function measureGroupSend(store) {
  const users = new Map(Array.from({ length: 51 }, (_, i) => [`member${i}`, { userId: `m-${i}`, username: `member${i}`, firstName: `Member ${i}`, verified: true }]));
  const byId = new Map([...users.values()].map((user) => [user.userId, user]));
  const directory = createUserDirectory({
    lookup: async ({ usernames = [], userIds = [] }) => [...usernames.map((name) => users.get(name)), ...userIds.map((id) => byId.get(id))].filter(Boolean),
  });
  const filters = { spam: createSpamFilter({ db: store.db }), virus: createVirusScanner() };
  // Telemetry that goes nowhere: the bench has no supervisor.
  const channel = { connected: true, send: () => undefined, onCommand: () => undefined };
  const telemetry = createTelemetry({ service: 'mail', instanceId: 'mail#1', channel, level: 'error' });
  const { server } = createMailApp({ store, users: directory, filters, telemetry });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;
  const sender = 'm-0';
  const memberIds = [];
  for (let i = 1; i <= 50; i++) memberIds.push(store.createContact(sender, { name: `Member ${i}`, address: `member${i}@topolab.test` }, Date.now()).id);
  store.createGroup(sender, { name: 'team', memberIds }, Date.now());
  const send = async (i) => {
    const started = performance.now();
    const res = await fetch(`${url}/mail/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': sender },
      body: JSON.stringify({ to: 'team', subject: `Weekly update ${i}`, body: 'Hello team,\n\nthe notes from this week are attached; the budget review moves to Thursday.\n\nThanks', attachments: [{ filename: 'notes.txt', contentType: 'text/plain', data: Buffer.from('notes '.repeat(200)).toString('base64') }] }),
    });
    const body = await res.json();
    if (res.status !== 201 || body.delivered !== 50) throw new Error(`group send answered ${res.status}: ${JSON.stringify(body)}`);
    return performance.now() - started;
  };
  try {
    for (let i = 0; i < 3; i++) await send(i);
    const times = [];
    for (let i = 0; i < 20; i++) times.push(await send(i));
    return { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'topolab-bench-mail-'));
try {
  const store = openMailStore(join(dir, mailDatabaseFile), { extraMigrations: spamMigrations });
  const vocabulary = createVocabulary();
  log(`seeding ${messageCount} messages into one inbox ...`);
  // Seeding only: no fsync per commit (the service itself runs with synchronous = NORMAL).
  store.db.pragma('synchronous = OFF');
  const seedMs = seedMailbox(store, vocabulary, messageCount);
  store.db.pragma('synchronous = NORMAL');
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  log(`seeded in ${(seedMs / 1000).toFixed(1)} s; searching (${runs} runs per kind) ...`);
  const search = measureSearch(store, vocabulary);
  log('sending to a group of 50 ...');
  const groupSend = await measureGroupSend(store);
  store.close();
  const report = { messages: messageCount, seedSeconds: seedMs / 1000, search, groupSend };
  if (asJson) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    console.log(`mail search over ${messageCount} messages of one mailbox (target p95 ≤ 20 ms), page of 20`);
    console.log(`  ${'kind'.padEnd(16)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'max ms'.padStart(7)}  hits/page  e.g.`);
    for (const [kind, r] of Object.entries(search)) {
      console.log(`  ${kind.padEnd(16)} ${fmt(r.p50).padStart(7)} ${fmt(r.p95).padStart(7)} ${fmt(r.max).padStart(7)}  ${fmt(r.hitsPerPage).padStart(9)}  ${r.example}${r.truncatedShare > 0 ? `  (${Math.round(r.truncatedShare * 100)} % of runs ranked among the newest 2000 matches)` : ''}`);
    }
    console.log('query plans (EXPLAIN QUERY PLAN of the first query of each kind):');
    for (const [kind, r] of Object.entries(search)) console.log(`  ${kind.padEnd(16)} ${r.plan.join(' | ')}`);
    console.log(`send to a group of 50 through POST /mail/send (target ≤ 100 ms): p50 ${fmt(groupSend.p50)} ms, p95 ${fmt(groupSend.p95)} ms, max ${fmt(groupSend.max)} ms`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
