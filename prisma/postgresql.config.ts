// Prisma CLI config for the PostgreSQL client (production).
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "generated/postgresql.prisma",
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.PRISMA_CLI_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test" }),
});
