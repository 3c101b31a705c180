// One migrating process for the concurrent-migration test: loads the runner,
// says "ready", and migrates DATABASE_URL when the test writes "go" on stdin,
// so that every process starts migrating at the same moment.
import { createInterface } from "node:readline";
import { migrate } from "../../app/database/migrate.server.ts";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const lines = createInterface({ input: process.stdin });
console.log("ready");
for await (const line of lines) {
  if (line.trim() !== "go") continue;
  const applied = await migrate(url);
  console.log(`applied: ${applied.join(", ")}`);
  break;
}
lines.close();
