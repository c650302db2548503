/**
 * The node-postgres settings every connection of the app uses (pool, listener, background lock): the resolved
 * connection of §2 and nothing from the environment (PGSSLMODE and friends cannot change the TLS policy).
 */
import type { ClientConfig } from 'pg';
import type { PostgresConnection } from './open';

/** A new connection waits at most this long; an unreachable server fails the call instead of hanging (§6, outage). */
export const CONNECT_TIMEOUT_MS = 10_000;

export function clientConfig(connection: PostgresConnection, role: string): ClientConfig {
  return {
    host: connection.host,
    port: connection.port,
    user: connection.user,
    database: connection.database,
    ...(connection.password ? { password: connection.password } : {}),
    ssl: connection.ssl ? { ca: connection.ssl.ca, servername: connection.ssl.servername, rejectUnauthorized: true } : false,
    application_name: `erx-counter ${role}`,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  };
}
