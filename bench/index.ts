// `npm run bench -- <name> [flags]`: the performance benchmarks of DESIGN.md
// "Performance targets". Each benchmark is a module loaded on demand, so one
// benchmark's heavy imports never slow another. A missed target is printed
// ("below target"), not an error; only a crash exits non-zero.

export interface Benchmark {
  description: string;
  usage: string;
  run(args: readonly string[]): Promise<void>;
}

const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  ingest: () => import("./ingest.ts"),
  delays: () => import("./delays.ts"),
  restock: () => import("./restock.ts"),
  "order-page": () => import("./order-page.ts"),
  inbox: () => import("./inbox.ts"),
  analytics: () => import("./analytics.ts"),
};

function printUsage(): void {
  console.log("Usage: npm run bench -- <benchmark> [flags]\n\nBenchmarks:");
  for (const name of Object.keys(BENCHMARKS)) console.log(`  ${name}`);
  console.log("\n`npm run bench -- <benchmark> --help` shows a benchmark's flags.");
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    printUsage();
    return name === undefined ? 1 : 0;
  }
  const load = BENCHMARKS[name];
  if (!load) {
    console.error(`Unknown benchmark ${JSON.stringify(name)}.\n`);
    printUsage();
    return 1;
  }
  const benchmark = await load();
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`${name}: ${benchmark.description}\n\n${benchmark.usage}`);
    return 0;
  }
  await benchmark.run(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`\nbench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
