// The local Data API's keys and user tokens: HS256 JWTs signed with node:crypto, shaped like Supabase's.
//
// `supabase start` signs its keys with a fixed, public development secret; so do we (the same one), so the keys
// are the same on every machine and every run and can be pasted. Never use this secret outside a local machine.
import { createHmac } from 'node:crypto';

/** `supabase start`'s development JWT secret (public: local use only). */
export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** The issuer `supabase start` writes into its keys. */
export const LOCAL_ISSUER = 'supabase-demo';

/** Fixed `iat` / `exp` of the two API keys (2022-01-09 .. 2032-11-12), so the keys never change. */
const KEY_IAT = 1641769200;
const KEY_EXP = 1983812996;

export interface JwtClaims {
  role: string;
  iss?: string;
  iat?: number;
  exp?: number;
  sub?: string;
  aud?: string;
  email?: string;
  [claim: string]: unknown;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** An HS256 JWT over `claims` (what PostgREST verifies with its jwt-secret). */
export function signJwt(claims: JwtClaims, secret = LOCAL_JWT_SECRET): string {
  const head = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** The claims of a JWT, unverified (for messages and tests). */
export function decodeJwt(token: string): JwtClaims {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT (expected header.payload.signature)');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JwtClaims;
}

/** An API key as `supabase start` prints it: `role` anon or service_role, no user. */
export function apiKey(role: 'anon' | 'service_role', secret = LOCAL_JWT_SECRET): string {
  return signJwt({ iss: LOCAL_ISSUER, role, iat: KEY_IAT, exp: KEY_EXP }, secret);
}

export const ANON_KEY = apiKey('anon');
export const SERVICE_ROLE_KEY = apiKey('service_role');

/**
 * A signed-in user's access token, as Supabase Auth issues it (the claims RLS reads: sub, role, aud, email),
 * valid for `ttlSeconds`. Locally there is no Auth server: tests and scripts mint it for a seeded user id.
 */
export function userAccessToken(sub: string, { email, ttlSeconds = 3600, secret = LOCAL_JWT_SECRET }: { email?: string; ttlSeconds?: number; secret?: string } = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({
    iss: LOCAL_ISSUER,
    sub,
    aud: 'authenticated',
    role: 'authenticated',
    ...(email ? { email } : {}),
    iat,
    exp: iat + ttlSeconds,
  }, secret);
}

/**
 * A seeded user's access token for the local demo, with the API keys' fixed iat/exp so it never changes and can
 * be pasted (npm start prints Cora's and Mia's). Local only, like the secret it is signed with.
 */
export function demoAccessToken(sub: string, email?: string, secret = LOCAL_JWT_SECRET): string {
  return signJwt({ iss: LOCAL_ISSUER, sub, aud: 'authenticated', role: 'authenticated', ...(email ? { email } : {}), iat: KEY_IAT, exp: KEY_EXP }, secret);
}
