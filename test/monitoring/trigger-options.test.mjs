// The trigger's options are checked when the monitor is made, each mistake named with the
// option, the expectation and the value found: a webhook that is not an http(s) URL would
// otherwise only show when drift first fires, as five failed attempts over half a minute.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Monitor } from '../../dist/monitoring/index.js';
import { profileOf, SYNTHETIC, syntheticRows } from './helpers.mjs';

const profile = await profileOf(SYNTHETIC.schema, syntheticRows(1)(200));
const base = { model: 'm', schema: SYNTHETIC.schema, profile };
const WEBHOOK = 'http://127.0.0.1:9/retrain';

function refused(trigger, message, kind = TypeError) {
  assert.throws(
    () => new Monitor({ ...base, trigger }),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && e instanceof kind && e.message === message,
    JSON.stringify(trigger),
  );
}

test('the webhook: an http: or https: URL, its settings in range', () => {
  refused({ webhook: 'not a url' }, 'expected an http: or https: URL for trigger.webhook.url, received string "not a url"');
  refused(
    { webhook: 'ftp://example.org/x' },
    'expected an http: or https: URL for trigger.webhook.url, received string "ftp://example.org/x"',
  );
  refused(
    { webhook: { url: '127.0.0.1:9000/retrain' } },
    'expected an http: or https: URL for trigger.webhook.url, received string "127.0.0.1:9000/retrain"',
  );
  refused({ webhook: { headers: {} } }, 'expected a non-empty string for trigger.webhook.url, received undefined');
  refused(
    { webhook: { url: WEBHOOK, retry: 3 } },
    'expected only known keys (url, headers, timeoutMs, retries, backoffMs, maxBackoffMs) for trigger.webhook, received unknown key "retry"',
  );
  refused(
    { webhook: { url: WEBHOOK, retries: -1 } },
    'expected an integer from 0 to 100 for trigger.webhook.retries, received number -1',
    RangeError,
  );
  refused(
    { webhook: { url: WEBHOOK, timeoutMs: 0 } },
    'expected an integer from 1 to 2147483647 for trigger.webhook.timeoutMs, received number 0',
    RangeError,
  );
  refused(
    { webhook: { url: WEBHOOK, backoffMs: -5 } },
    'expected a number of milliseconds from 0 to 2147483647 for trigger.webhook.backoffMs, received number -5',
    RangeError,
  );
  refused(
    { webhook: { url: WEBHOOK, headers: { authorization: 7 } } },
    'expected a string for trigger.webhook.headers.authorization, received number 7',
  );
});

test('the command: a program and string arguments, its settings in range', () => {
  refused({ command: 'retrain.sh --now' }, 'expected an object for trigger.command, received string "retrain.sh --now"');
  refused(
    { command: [] },
    'expected a non-empty array (the program, then its arguments) for trigger.command argv, received array of length 0',
  );
  refused({ command: ['retrain', 3] }, 'expected a string for trigger.command argv[1], received number 3');
  refused({ command: { argv: [''] } }, 'expected a non-empty string for trigger.command argv[0] (the program), received string ""');
  refused(
    { command: { argv: ['retrain'], timeout: 5 } },
    'expected only known keys (argv, timeoutMs, env, cwd) for trigger.command, received unknown key "timeout"',
  );
  refused({ command: { argv: ['retrain'], env: { A: 1 } } }, 'expected a string for trigger.command.env.A, received number 1');
});

test('timing and scope', () => {
  refused(
    { webhook: WEBHOOK, cooldownMs: -1 },
    'expected a non-negative number of milliseconds for trigger.cooldownMs, received number -1',
    RangeError,
  );
  refused({ webhook: WEBHOOK, holdMs: '5m' }, 'expected a non-negative number of milliseconds for trigger.holdMs, received string "5m"');
  refused({ webhook: WEBHOOK, minSamples: 0 }, 'expected a positive integer for trigger.minSamples, received number 0', RangeError);
  refused(
    { webhook: WEBHOOK, on: 'features' },
    "expected one of 'inputs', 'outputs', 'either' for trigger.on, received string \"features\"",
  );
  refused(
    { webhook: WEBHOOK, cooldown: 1 },
    'expected only known keys (holdMs, cooldownMs, minSamples, on, webhook, command, exportReservoir) for the trigger, received unknown key "cooldown"',
  );
});

test('what is valid is kept as given', async () => {
  const m = new Monitor({
    ...base,
    trigger: {
      holdMs: 0,
      cooldownMs: Infinity,
      minSamples: 5,
      on: 'inputs',
      webhook: { url: 'https://example.org/hook', headers: { authorization: 'Bearer x' }, timeoutMs: 500, retries: 0, backoffMs: 0 },
      command: { argv: ['node', '-e', ''], timeoutMs: 1000, env: { A: 'b' } },
    },
  });
  await m.close();
  const plain = new Monitor({ ...base, trigger: { webhook: WEBHOOK, command: ['true'] } });
  await plain.close();
});

test.run();
