// Overload probe: N concurrent loops send one request each after the other for a fixed
// time; prints, per status, the count and the p50/p99 latency, as one RESULT line.
//
//   node bench/overload.mjs URL CONCURRENCY SECONDS METHOD [BODY] [AUTHORIZATION]
//
// Node's http.Agent keeps one connection per loop (keep-alive), like wrk's connections.
import http from 'node:http';

const [url, concurrency, seconds, method, body, authorization] = process.argv.slice(2);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const samples = new Map(); // status -> [ms]
const deadline = Date.now() + Number(seconds) * 1000;

function once() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const headers = {};
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (authorization) headers.authorization = authorization;
    const req = http.request(target, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (!samples.has(res.statusCode)) samples.set(res.statusCode, []);
        samples.get(res.statusCode).push(ms);
        resolve();
      });
    });
    req.on('error', () => {
      if (!samples.has('error')) samples.set('error', []);
      samples.get('error').push(0);
      resolve();
    });
    if (body) req.write(body);
    req.end();
  });
}

async function loop() {
  while (Date.now() < deadline) await once();
}

await Promise.all(Array.from({ length: Number(concurrency) }, loop));
agent.destroy();
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const parts = [];
let total = 0;
for (const [status, xs] of [...samples].sort()) {
  xs.sort((a, b) => a - b);
  total += xs.length;
  parts.push(`status_${status}=${xs.length} p50_${status}=${pct(xs, 50).toFixed(2)} p99_${status}=${pct(xs, 99).toFixed(2)}`);
}
console.log(`RESULT concurrency=${concurrency} seconds=${seconds} total=${total} rate=${(total / Number(seconds)).toFixed(0)} ${parts.join(' ')}`);
