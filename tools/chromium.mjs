// Debian's chromium driven by playwright-core, for the dashboard's browser test and screenshot:
// the binary the system installed (never one a tool downloads), headless, no sandbox (CI runs as
// root), and nothing that reaches the network on its own.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The chromium binary: $CHROMIUM_PATH, else `which chromium`, else /usr/bin/chromium; undefined when none. */
export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (path) return path;
    } catch {
      /* not on PATH */
    }
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-sync',
  '--disable-domain-reliability',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-pings',
  '--disable-dev-shm-usage',
];

/** Launches `executablePath` headless with {@link CHROMIUM_ARGS}; resolves to playwright's Browser. */
export async function launchChromium(executablePath) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}
