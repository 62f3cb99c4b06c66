/**
 * The dashboard: `GET /dashboard` (the page), `GET /dashboard/assets/:file` (its script and
 * styles, and uPlot's) and `GET /dashboard/api/state` (the JSON the page polls). The page and its
 * assets are public (they hold no data; a browser cannot send a bearer token when it navigates);
 * the state, like every other data endpoint, needs the token when auth is on. Registered only
 * when `dashboard` is not false in the server config.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { OrtexError } from '../../base/errors.js';
import { type Asset, DashboardAssets } from '../dashboard/assets.js';
import { DashboardStateSource } from '../dashboard/state.js';
import type { ModelRepository } from '../repository.js';
import { answerHeaders, sendJson } from './reply.js';

export interface DashboardRouteOptions {
  repository: ModelRepository;
  serverVersion: string;
  /** The server's route prefix ('' when none), for the page's base URL. */
  prefix: string;
}

/** Route config the auth hook reads: these routes answer without a token. */
export const PUBLIC_ROUTE = { public: true } as const;

/**
 * Scripts, styles and data come from this server only; no inline script or style element, no
 * framing. uPlot styles its elements through the CSSOM, which `style-src 'self'` allows.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function sendAsset(req: FastifyRequest, reply: FastifyReply, a: Asset): FastifyReply {
  answerHeaders(reply).headers(PAGE_HEADERS).header('etag', a.etag).header('cache-control', 'no-cache');
  if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
  return reply.code(200).header('content-type', a.type).send(a.body);
}

export function registerDashboardRoutes(scope: FastifyInstance, o: DashboardRouteOptions): void {
  const assets = new DashboardAssets(`${o.prefix}/dashboard/`);
  const source = new DashboardStateSource(o.repository, { serverVersion: o.serverVersion });
  const page = (req: FastifyRequest, reply: FastifyReply) => sendAsset(req, reply, assets.page());
  scope.get('/dashboard', { config: PUBLIC_ROUTE }, page);
  scope.get('/dashboard/', { config: PUBLIC_ROUTE }, page);
  scope.get<{ Params: { file: string } }>('/dashboard/assets/:file', { config: PUBLIC_ROUTE }, (req, reply) => {
    const a = assets.get(req.params.file);
    if (!a)
      throw new OrtexError(
        'ERR_NOT_FOUND',
        `expected one of ${DashboardAssets.names.join(', ')} for a dashboard asset, received ${JSON.stringify(req.params.file)}`,
      );
    return sendAsset(req, reply, a);
  });
  scope.get('/dashboard/api/state', (_req, reply) => sendJson(reply.header('cache-control', 'no-store'), 200, source.state()));
}
