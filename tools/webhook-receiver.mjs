#!/usr/bin/env node
// A small local webhook receiver for the monitoring walkthrough: prints each POSTed JSON body
// (the retraining trigger's payload) as one line on stdout and answers 200.
//
//   node tools/webhook-receiver.mjs [--port 9000] [--host 127.0.0.1] [--status 200] [--count N]
//
// --status answers every request with that status (try 500 to watch the trigger retry);
// --count exits after N requests. Stop it with Ctrl-C (or SIGTERM).
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    status: { type: 'string', default: '200' },
    count: { type: 'string' },
  },
});
let seen = 0;
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    let payload = body;
    try {
      payload = JSON.parse(body);
    } catch {
      /* not JSON: print as text */
    }
    console.log(JSON.stringify({ received: new Date().toISOString(), method: req.method, url: req.url, payload }));
    res.statusCode = Number(values.status);
    res.end();
    if (values.count && ++seen >= Number(values.count)) server.close();
  });
});
server.listen(Number(values.port), values.host, () => {
  console.error(`webhook receiver on http://${values.host}:${server.address().port}/ (answering ${values.status})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
