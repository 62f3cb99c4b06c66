// How users build the seed's service on Node today: node:http, JSON.parse, onnxruntime-node's
// session.run() per request (no batching).
import { createServer } from 'node:http';
import ort from 'onnxruntime-node';
const session = await ort.InferenceSession.create(process.env.MODEL);
const labels = ['setosa', 'versicolor', 'virginica'];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => {
    body += d;
  });
  req.on('end', async () => {
    try {
      const rows = JSON.parse(body).features;
      const x = Array.isArray(rows[0]) ? rows : [rows];
      const t = new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, 4]);
      const { probabilities } = await session.run({ features: t });
      const p = Array.from(probabilities.data);
      const out = [];
      for (let i = 0; i < x.length; i++) {
        const row = p.slice(i * 3, i * 3 + 3);
        out.push(labels[row.indexOf(Math.max(...row))]);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ prediction: out, status: 'success' }));
    } catch (e) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: e.message, status: 'error' }));
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
