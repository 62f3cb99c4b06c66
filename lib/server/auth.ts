/** Optional bearer-token auth: one token, compared in constant time; public paths (health) pass. */
import { readFileSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import { OrtexError } from '../base/errors.js';
import type { AuthConfig } from './config.js';

export const DEFAULT_PUBLIC_PATHS = ['/v2/health/live', '/v2/health/ready'];

export interface Authenticator {
  /** Throws ERR_UNAUTHORIZED unless the request may pass. */
  check(path: string, authorization: string | undefined): void;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** An authenticator for `config`, or undefined when no token is configured. */
export function createAuthenticator(config: AuthConfig | undefined): Authenticator | undefined {
  let token = config?.token;
  if (token === undefined && config?.tokenFile) {
    try {
      token = readFileSync(config.tokenFile, 'utf8').trim();
    } catch (e) {
      throw new OrtexError('ERR_INVALID_ARGUMENT', `cannot read auth.tokenFile ${config.tokenFile}: ${(e as Error).message}`, { cause: e });
    }
    if (!token)
      throw new OrtexError('ERR_INVALID_ARGUMENT', `expected a token in auth.tokenFile ${config.tokenFile}, received an empty file`);
  }
  if (token === undefined) return undefined;
  const expected = digest(token);
  const open = new Set(config?.publicPaths ?? DEFAULT_PUBLIC_PATHS);
  return {
    check(path, authorization) {
      if (open.has(path)) return;
      if (authorization === undefined)
        throw new OrtexError('ERR_UNAUTHORIZED', 'expected an Authorization: Bearer <token> header, received none');
      const m = /^Bearer\s+(.+)$/i.exec(authorization);
      if (!m) throw new OrtexError('ERR_UNAUTHORIZED', 'expected an Authorization: Bearer <token> header, received another scheme');
      if (!timingSafeEqual(digest(m[1]!.trim()), expected))
        throw new OrtexError('ERR_UNAUTHORIZED', "expected the server's bearer token, received a different one");
    },
  };
}
