// The crash test's worker process: server/worker.ts's worker, with a crash
// point production does not have. CRASH_AFTER_COMMITS=n: after the n-th
// event whose processed mark is committed, the process SIGKILLs itself before
// that event's reaction is queued, as a crash or an OOM kill at the worst moment
// would. REACTION_GRACE_MS: how long an owed reaction waits for the sweeper.
// Both are read here only.
import { startWorker } from "../../app/jobs/worker.server.ts";
import { workerConnection } from "../../app/jobs/queues.server.ts";
import { instancePrefix } from "../../app/jobs/instance.server.ts";
import { migrate } from "../../app/database/migrate.server.ts";
import { db } from "../../app/db.server.ts";
import { env } from "../../app/env.server.ts";
import { deliveryDepsFromEnv } from "../../app/notices/delivery-deps.server.ts";

const config = env();
await migrate(config.DATABASE_URL);
const crashAfter = Number(process.env.CRASH_AFTER_COMMITS ?? 0);
let commits = 0;
startWorker({
  db: db(),
  connection: workerConnection(config.REDIS_URL),
  prefix: await instancePrefix(db(), config.REDIS_PREFIX),
  concurrency: config.WORKER_CONCURRENCY,
  lockMs: config.WORKER_LOCK_MS,
  sweepEveryMs: 200,
  reactionGraceMs: Number(process.env.REACTION_GRACE_MS ?? 30_000),
  adminApiFor: async () => null,
  delivery: deliveryDepsFromEnv(),
  afterCommit: () => {
    commits += 1;
    if (crashAfter > 0 && commits >= crashAfter) process.kill(process.pid, "SIGKILL");
  },
  log: () => undefined,
});
console.log("crash worker: running");
