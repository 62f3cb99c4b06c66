/**
 * The dashboard's static files: its own page, script and styles (beside this module's source,
 * in `lib/server/dashboard/assets/`, shipped in the package) and uPlot's script and styles, read
 * from the uplot package this copy of ortex resolves (a pinned dependency: no CDN, nothing
 * fetched from elsewhere). Each file is read on its first request and kept; answers carry a
 * content-hash ETag so a browser revalidates with a 304 instead of downloading again.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OrtexError } from '../../base/errors.js';
import { packageRoot } from '../../native/package-root.js';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const OWN = join(packageRoot, 'lib', 'server', 'dashboard', 'assets');
const uplotDir = () => dirname(createRequire(join(packageRoot, 'package.json')).resolve('uplot/package.json'));

/** The files `GET /dashboard/assets/:file` serves, by name (nothing else is reachable). */
const FILES: Record<string, { type: string; path: () => string }> = {
  'dashboard.js': { type: 'text/javascript; charset=utf-8', path: () => join(OWN, 'dashboard.js') },
  'dashboard.css': { type: 'text/css; charset=utf-8', path: () => join(OWN, 'dashboard.css') },
  'uPlot.iife.min.js': { type: 'text/javascript; charset=utf-8', path: () => join(uplotDir(), 'dist', 'uPlot.iife.min.js') },
  'uPlot.min.css': { type: 'text/css; charset=utf-8', path: () => join(uplotDir(), 'dist', 'uPlot.min.css') },
};

/** Marker in index.html replaced by the page's base URL (the server's route prefix + `/dashboard/`). */
const BASE_MARKER = '%BASE%';

const asset = (body: Buffer, type: string): Asset => ({
  body,
  type,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
});

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new OrtexError('ERR_RUNTIME', `cannot read the dashboard's ${what} at ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export class DashboardAssets {
  readonly #base: string;
  readonly #cache = new Map<string, Asset>();

  /** @param base the page's base URL path, ending in `/` (e.g. `/dashboard/`). */
  constructor(base: string) {
    this.#base = base;
  }

  /** The page, with its base URL filled in. */
  page(): Asset {
    let a = this.#cache.get('');
    if (!a) {
      const html = read(join(OWN, 'index.html'), 'page').toString('utf8').replaceAll(BASE_MARKER, this.#base);
      a = asset(Buffer.from(html), 'text/html; charset=utf-8');
      this.#cache.set('', a);
    }
    return a;
  }

  /** A named asset, or undefined when there is no such file. */
  get(name: string): Asset | undefined {
    const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!file) return undefined;
    let a = this.#cache.get(name);
    if (!a) {
      a = asset(read(file.path(), name), file.type);
      this.#cache.set(name, a);
    }
    return a;
  }

  /** Names `get()` serves. */
  static get names(): string[] {
    return Object.keys(FILES);
  }
}
