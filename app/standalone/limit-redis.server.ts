// The web process's Redis connection for the sign-in limits: fails fast and
// never queues commands while Redis is away (the limiter then counts in memory).
import Redis from "ioredis";
import { env } from "../env.server.ts";

let shared: Redis | undefined;

export function limitRedis(): Redis {
  shared ??= new Redis(env().REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  });
  shared.on("error", () => undefined);
  return shared;
}
