export const root: string;
export const DEFAULT_DATABASE_URL: string;
export const DEFAULT_REDIS_URL: string;
export class ServiceError extends Error {}
export function checkRedis(url: string): Promise<void>;
export function checkPostgres(url: string): Promise<void>;
export function checkServices(urls: { redisUrl: string; databaseUrl: string }): Promise<void>;
export function ensureDatabase(url: string, options?: { fresh?: boolean }): Promise<void>;
export function run(command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; label?: string }): void;
export function migrate(databaseUrl: string): void;
export function generateClient(): void;
export function runMain(main: () => Promise<void>): void;
