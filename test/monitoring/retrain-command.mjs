// Child script for trigger-command.test.mjs: a stand-in retraining step. Reads the trigger payload
// on stdin, writes { payload, env } to the file in argv[2], prints a line, exits with argv[3]
// (default 0); with argv[4] = 'sleep' it waits forever (to be killed by the timeout).
import { writeFileSync } from 'node:fs';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ORTEX_') || k === 'RETRAIN_EXTRA'));
  writeFileSync(process.argv[2], JSON.stringify({ payload: JSON.parse(input), env }));
  console.log(`retraining ${env.ORTEX_MODEL} on ${env.ORTEX_RESERVOIR ?? 'no sample'}`);
  if (process.argv[4] === 'sleep') setInterval(() => {}, 1000);
  else process.exitCode = Number(process.argv[3] ?? 0);
});
