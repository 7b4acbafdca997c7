export const root: string;
export const DEFAULT_DATABASE_URL: string;
export const DEFAULT_REDIS_URL: string;
export class ServiceError extends Error {}
/** A Redis URL, or lib/env.ts's parsed REDIS_CLUSTER_NODES. */
export type RedisTarget = string | { nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };
export function checkRedis(target: RedisTarget): Promise<void>;
export function checkPostgres(url: string): Promise<void>;
export function checkServices(targets: { redis: RedisTarget; databaseUrl: string }): Promise<void>;
export function ensureDatabase(url: string, options?: { fresh?: boolean }): Promise<void>;
export function run(command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; label?: string }): void;
export function migrate(databaseUrl: string): void;
export function generateClient(): void;
export function runMain(main: () => Promise<void>): void;
