// The ceiling: Fastify parsing the same JSON body and answering a constant, no model.
import Fastify from 'fastify';
const app = Fastify({ logger: false });
const answer = { prediction: ['setosa'], status: 'success' };
app.post('/predict', async (req) => (req.body.features ? answer : answer));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('listening');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
