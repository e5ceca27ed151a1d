#!/usr/bin/env node
// The gateway's CPU per request at a fixed request rate, beside the bare Node proxy over the same
// profile instances: for comparing a change to the gateway's hot path before and after. The
// closed-loop table of `topolab bench` drives every process as hard as the 2 cores allow, and a
// Node process's CPU per request moves with how crowded the cores are (99–161 µs between the
// rounds of one run). An open loop at about half of saturation keeps the load the same for both
// proxies and every round; the rounds alternate gateway and bare-node. On the 2-core VM the
// gateway's rounds still spread ±10 % (94–151 µs over four runs of the same code at 5000 req/s),
// so a change under ~10 % needs its own microbenchmark.
//
//   node bench/gateway-cpu.mjs [--rate 5000] [--seconds 4] [--rounds 4] [--json]
//
// Too low a rate measures a different thing: at 2000 req/s each request wakes the event loop on
// its own, and both proxies cost 1.5–2× as much per request.
//
// Topology: client discovery, local auth, limits off; `GET /profile/me` as one signed-up user,
// unsampled (W3C trace-flags 00), as the throughput table sends it.
import { createGatewayClient } from '../packages/runtime/dist/index.js';
import { cpuPerRequest, runOpenLoop, signUpWithProfile, snapshotCpu, startBareProxy, withBenchTopology } from '../packages/runtime/dist/bench/index.js';
import { createUnsampledTraceparent } from '../packages/runtime/dist/client/traceparent.js';
import { identityAssertionHeader } from '../packages/services/dist/contract/identity.js';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`Usage: node bench/gateway-cpu.mjs [--rate <req/s>] [--seconds <s>] [--rounds <n>] [--json]

The gateway's CPU µs per request beside the bare Node proxy's, at a fixed request rate (open
loop), rounds alternating; prints each median and the median of the rounds' ratios.

  --rate <req/s>   requests per second of the open loop (default 5000: about half of saturation on 2 cores)
  --seconds <s>    timed seconds per proxy and round (default 4)
  --rounds <n>     rounds (default 4)
  --json           print the figures and every round as JSON

Example:
  $ node bench/gateway-cpu.mjs --rate 5000 --rounds 6
`);
  process.exit(0);
}
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const rate = option('--rate', 5000);
const seconds = option('--seconds', 4);
const rounds = option('--rounds', 4);
const asJson = args.includes('--json');
const log = (line) => process.stderr.write(`${line}\n`);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs the open loop at `url` and answers the CPU µs per request of `pid` over it, and how many answered 200. */
async function measure(url, headers, pid, group) {
  const before = snapshotCpu([{ group, pid }]);
  const records = await runOpenLoop({ url, rate, durationMs: seconds * 1000, headers, timeoutMs: 5000 });
  const after = snapshotCpu([{ group, pid }]);
  const ok = records.filter((record) => record.status === 200).length;
  return { us: cpuPerRequest(before, after, ok).usPerRequest[group], ok, sent: records.length };
}

const result = await withBenchTopology({ modes: { discovery: 'client', auth: 'local' } }, async (topology) => {
  const gatewayClient = createGatewayClient(topology.gatewayUrl);
  const session = await signUpWithProfile({ gateway: gatewayClient, phone: topology }).finally(() => gatewayClient.close());
  const instances = topology.instances();
  const gateway = instances.find((instance) => instance.service === 'gateway' && instance.state === 'ready');
  const profiles = instances.filter((instance) => instance.service === 'profile' && instance.state === 'ready');
  const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString('utf8'));
  const ttlS = rounds * seconds * 2 + 120;
  const identity = await topology.assertIdentity({ sub: session.userId, audience: 'profile', tokenJti: claims.jti, tokenExp: claims.exp }, ttlS);
  const bare = await startBareProxy(profiles);
  const traceparent = createUnsampledTraceparent();
  const rows = {
    gateway: { url: `${topology.gatewayUrl}/profile/me`, headers: { authorization: `Bearer ${session.accessToken}`, traceparent }, pid: gateway.pid },
    'bare-node': { url: `${bare.url}/profile/me`, headers: { [identityAssertionHeader]: identity, traceparent }, pid: bare.pid },
  };
  try {
    // Warm both (JIT, keep-alive pools) before anything is timed.
    for (const row of Object.values(rows)) await runOpenLoop({ url: row.url, rate, durationMs: 1000, headers: row.headers });
    const samples = { gateway: [], 'bare-node': [] };
    for (let round = 1; round <= rounds; round++) {
      for (const [name, row] of Object.entries(rows)) {
        const sample = await measure(row.url, row.headers, row.pid, name);
        samples[name].push(sample);
        log(`round ${round}/${rounds}  ${name.padEnd(9)}  ${sample.us.toFixed(1)} µs/request  (${sample.ok} of ${sample.sent} answered 200)`);
      }
    }
    return samples;
  } finally {
    await bare.stop();
  }
});

const usOf = (name) => result[name].map((sample) => sample.us);
const ratios = result.gateway.map((sample, index) => sample.us / result['bare-node'][index].us);
const summary = {
  rate,
  seconds,
  rounds,
  gatewayUs: median(usOf('gateway')),
  bareNodeUs: median(usOf('bare-node')),
  gatewayOverBareNode: median(ratios),
  samples: result,
};
if (asJson) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
else {
  process.stdout.write(`open loop ${rate} req/s × ${seconds} s, ${rounds} rounds, GET /profile/me (client discovery, local auth)\n`);
  process.stdout.write(`gateway#1   ${summary.gatewayUs.toFixed(1)} µs/request (median; ${usOf('gateway').map((us) => us.toFixed(0)).join(', ')})\n`);
  process.stdout.write(`bare-node   ${summary.bareNodeUs.toFixed(1)} µs/request (median; ${usOf('bare-node').map((us) => us.toFixed(0)).join(', ')})\n`);
  process.stdout.write(`gateway ÷ bare-node  ${summary.gatewayOverBareNode.toFixed(2)}× (median of the rounds' ratios; ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')})\n`);
}
