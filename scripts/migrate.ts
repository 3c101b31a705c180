// `npm run db:migrate`: brings DATABASE_URL's database up to date.
import { migrate } from "../app/database/migrate.server.ts";

// Only the database URL matters here, so the rest of the environment is not required.
const applied = await migrate(process.env.DATABASE_URL ?? "file:./data/kizuna.db");
console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
