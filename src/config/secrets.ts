/**
 * Secrets in the configuration (`mqtt.password`, a password inside `mqtt.url` or
 * `--broker`) never leave the process: not into the journal (which can never be
 * edited), logs, state, MQTT reports or bundles.
 *
 * - `redactConfig` is what may be recorded: each secret replaced by a keyed
 *   fingerprint, so a changed password still shows as a changed config, yet the
 *   fingerprint cannot be checked against guessed passwords without the device key.
 * - `urlForLog` is a broker URL without its user name and password.
 */
import { createHmac } from 'node:crypto';
import type { Config } from './schema.js';

/** HMAC-SHA-256 of a secret under a device-held key, shortened: enough to see a change. */
export type SecretFingerprint = (secret: string) => string;

export function secretFingerprinter(key: Uint8Array): SecretFingerprint {
  return (secret) => `secret:hmac-sha256:${createHmac('sha256', key).update(secret, 'utf8').digest('hex').slice(0, 16)}`;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The URL as safe to log: no user name, no password. */
export function urlForLog(url: string): string {
  const u = parseUrl(url);
  if (!u) return url.replace(/\/\/[^/@]*@/, '//');
  u.username = '';
  u.password = '';
  return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}

/** The URL with its password (if any) replaced by a fingerprint. */
export function redactUrl(url: string, fingerprint: SecretFingerprint): string {
  const u = parseUrl(url);
  if (!u) return url.replace(/\/\/[^/@]*@/, '//');
  if (!u.password) return url;
  u.password = encodeURIComponent(fingerprint(decodeURIComponent(u.password)));
  return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}

/** The config as it may be journaled: every secret replaced by its fingerprint. */
export function redactConfig(config: Config, fingerprint: SecretFingerprint): Config {
  const { mqtt, live } = config;
  return {
    ...config,
    mqtt: {
      ...mqtt,
      ...(mqtt.url !== undefined ? { url: redactUrl(mqtt.url, fingerprint) } : {}),
      ...(mqtt.password !== undefined ? { password: fingerprint(mqtt.password) } : {}),
    },
    live: {
      ...live,
      ...(live.url !== undefined ? { url: redactUrl(live.url, fingerprint) } : {}),
      ...(live.passphrase !== undefined ? { passphrase: fingerprint(live.passphrase) } : {}),
    },
  };
}
