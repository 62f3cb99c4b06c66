// Child script for export-trigger-hold.test.mjs: a retraining step that takes its time. Reads the
// trigger payload on stdin, writes argv[3] + '.started' (so the test knows it runs), waits until
// the file argv[2] exists (the test's go-ahead), then reads the exported sample named by
// ORTEX_RESERVOIR and writes { exists, lines } to argv[3].
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [gate, out] = process.argv.slice(2);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  JSON.parse(input);
  writeFileSync(`${out}.started`, '');
  const wait = setInterval(() => {
    if (!existsSync(gate)) return;
    clearInterval(wait);
    const path = process.env.ORTEX_RESERVOIR;
    const exists = existsSync(path);
    writeFileSync(out, JSON.stringify({ exists, lines: exists ? readFileSync(path, 'utf8').trim().split('\n').length : 0 }));
  }, 10);
});
