// Latency of the BTB web service (docs/PERFORMANCE.md, "BTB web service"): N requests with
// C in flight against one URL, each timed; prints p50, p95, p99 and the rate as JSON.
//   node bench/btb_load.mjs URL TOKEN N C
// Bounded: exactly N requests, to a loopback address only.
const [url, token, nText, cText] = process.argv.slice(2);
const n = Number(nText ?? 2000);
const c = Number(cText ?? 8);
if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) throw new Error("loopback only");
const headers = token ? { authorization: `Bearer ${token}` } : {};
const times = [];
let next = 0;
let failed = 0;
async function worker() {
  while (next < n) {
    next += 1;
    const start = process.hrtime.bigint();
    const resp = await fetch(url, { headers });
    await resp.arrayBuffer();
    if (resp.status !== 200) failed += 1;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
const begin = process.hrtime.bigint();
await Promise.all(Array.from({ length: c }, worker));
const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(JSON.stringify({ url, n, c, failed, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99), rate: n / seconds }));
