// A stand-in OpenTelemetry collector for benchmarks: accepts OTLP/HTTP exports and drops them, so a
// traced gateway pays for building and exporting its spans, not for a collector's work.
//   node bench/otlp-sink.mjs [port]      (default 4318, OTLP/HTTP's port)
import http from 'node:http';

const port = Number(process.argv[2] ?? 4318);
let exports = 0;
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    exports += 1;
    res.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
    res.end();
  });
}).listen(port, '127.0.0.1', () => console.log(`otlp-sink on ${port}`));
process.on('SIGTERM', () => { console.log(`otlp-sink received ${exports} exports`); process.exit(0); });
