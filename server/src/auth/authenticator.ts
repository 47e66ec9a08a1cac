import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { USER_ID_PATTERN } from '@tickwatch/shared';
import type { AuthConfig } from '../config.js';
import { AppError, unauthorized } from '../errors.js';

export interface Identity {
  userId: string;
  /** The token's `exp`, epoch seconds: the identity holds until then (a socket's too, see socket-handlers.ts). */
  expiresAt: number;
}

const DEV_ISSUER = 'tickwatch-dev';
const DEV_AUDIENCE = 'tickwatch';

/**
 * Verifies bearer tokens (jose) and, in dev mode, issues them. The user is always the token's subject; nothing
 * a client puts in a body or query can change who it is. Every token must expire: one without `exp` is refused,
 * since nothing else would ever end the session it opens (on HTTP and on sockets alike).
 */
export class Authenticator {
  private constructor(
    private readonly config: AuthConfig,
    private readonly key: Uint8Array | JWTVerifyGetKey,
  ) {}

  /** `dataDir` lets dev mode keep its generated signing secret, so tokens survive a server restart. */
  static async create(config: AuthConfig, dataDir: string | undefined): Promise<Authenticator> {
    if (config.mode === 'jwt' && config.jwksUrl) {
      return new Authenticator(config, createRemoteJWKSet(new URL(config.jwksUrl)));
    }
    const secret = config.secret ?? (await devSecret(dataDir));
    return new Authenticator(config, new TextEncoder().encode(secret));
  }

  get mode(): AuthConfig['mode'] {
    return this.config.mode;
  }

  async verify(token: string): Promise<Identity> {
    try {
      const options = {
        requiredClaims: ['exp'],
        ...(this.config.mode === 'dev'
          ? { issuer: DEV_ISSUER, audience: DEV_AUDIENCE }
          : {
              ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
              ...(this.config.audience ? { audience: this.config.audience } : {}),
            }),
      };
      const { payload } =
        typeof this.key === 'function'
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      if (typeof payload.sub !== 'string' || !USER_ID_PATTERN.test(payload.sub)) {
        throw unauthorized('Token has no usable subject');
      }
      // jose has checked that exp is a number in the future.
      return { userId: payload.sub, expiresAt: payload.exp as number };
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw unauthorized('Token is invalid or expired');
    }
  }

  async issueDevToken(userId: string): Promise<{ token: string; expiresAt: number }> {
    if (this.config.mode !== 'dev' || typeof this.key === 'function') {
      throw new AppError('forbidden', 403, 'Dev sign-in is disabled; sign in with your identity provider');
    }
    const expiresAt = Math.floor(Date.now() / 1000) + this.config.tokenTtlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt };
  }
}

/** With a data directory the secret lives there (0600); without one (tests, external stores) it lasts a process. */
async function devSecret(dataDir: string | undefined): Promise<string> {
  if (!dataDir) return crypto.randomBytes(32).toString('base64url');
  const file = path.join(dataDir, 'dev-jwt-secret');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    await fs.mkdir(dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString('base64url');
    await fs.writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    return (await fs.readFile(file, 'utf8')).trim();
  }
}
