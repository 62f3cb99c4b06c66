/**
 * Which compiled-in execution providers can actually start here. Each probe runs in a child
 * process (a broken GPU stack can crash or hang the process that loads it): the child creates a
 * session on the bundled demo model with only that provider and runs it once.
 */
import type { spawn as Spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../native/loader.js';
import { runtimeInfo } from '../native/runtime.js';
import { diagnoseProvider } from '../providers/diagnosis.js';

export interface ProviderProbe {
  name: string;
  compiledIn: boolean;
  usable: boolean;
  /** ORT's error when it could not start. */
  error?: string;
  missingLibrary?: string;
  fix?: string;
  ms: number;
}

export interface ProbeOptions {
  /** Providers to probe (short names); default: every provider compiled into the loaded ORT. */
  providers?: string[];
  /** Per-provider limit; a hung probe counts as unusable. Default 60 s. */
  timeoutMs?: number;
}

const CHILD = join(fileURLToPath(new URL('.', import.meta.url)), 'provider-probe-child.js');

function probeOne(spawn: typeof Spawn, name: string, timeoutMs: number): Promise<ProviderProbe> {
  const info = runtimeInfo();
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, name, join(packageRoot, 'models', 'demo.onnx')], {
      env: { ...process.env, ORTEX_ORT_LIB: info.libraryPath, ORTEX_NATIVE_PATH: info.addonPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      const base = { name, compiledIn: info.providers.includes(name), ms };
      const line = out.trim().split('\n').pop() ?? '';
      let parsed: { usable?: boolean; error?: string } | undefined;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (parsed?.usable) return resolve({ ...base, usable: true });
      const error =
        parsed?.error ??
        (signal === 'SIGKILL' && ms >= timeoutMs
          ? `probe timed out after ${timeoutMs} ms`
          : `probe process ended with ${signal ?? `exit code ${code}`}: ${err.trim().split('\n').slice(-3).join(' ')}`);
      const d = diagnoseProvider(name, error, info.libraryPath);
      resolve({ ...base, usable: false, error, fix: d.fix, ...(d.missingLibrary ? { missingLibrary: d.missingLibrary } : {}) });
    });
  });
}

/** Probes providers one after another, each in its own child process. */
export async function probeProviders(options: ProbeOptions = {}): Promise<ProviderProbe[]> {
  const names = options.providers ?? runtimeInfo().providers;
  // Loaded here, not at the top: node:child_process brings node:net and node:dgram with it, and
  // `import 'ortex'` loads no socket module (test/architecture/layers.test.mjs).
  const { spawn } = await import('node:child_process');
  const results: ProviderProbe[] = [];
  for (const name of names) results.push(await probeOne(spawn, name, options.timeoutMs ?? 60_000));
  return results;
}
