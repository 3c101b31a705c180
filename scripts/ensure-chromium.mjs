// Makes sure Debian's Chromium is installed for the browser tests (playwright-core
// drives it; `npx playwright install` cannot download browsers here). Installs
// the `chromium` package with apt-get when /usr/bin/chromium is missing and
// says clearly what to do when that is not possible.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const CHROMIUM = "/usr/bin/chromium";
// Japanese customer names and notices must be legible in screenshots.
const CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

function run(command, args) {
  console.log(`ensure-chromium: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
}

function version() {
  return execFileSync(CHROMIUM, ["--version"], { encoding: "utf8" }).trim();
}

/** Installs Chromium when missing; returns its path. Throws an Error that says what to do. */
export function ensureChromium() {
  const packages = [...(existsSync(CHROMIUM) ? [] : ["chromium"]), ...(existsSync(CJK_FONT) ? [] : ["fonts-noto-cjk"])];
  if (packages.length === 0) return CHROMIUM;
  console.log(`ensure-chromium: installing Debian's ${packages.join(" and ")}.`);
  if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get")) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}, and this machine has no apt-get to install it.\n` +
        `Install Chromium so that ${CHROMIUM} exists (on Debian/Ubuntu: apt-get install -y chromium).`,
    );
  }
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = root ? [] : ["sudo", "-n"];
  try {
    const [command, ...prefix] = [...sudo, "apt-get"];
    run(command, [...prefix, "update"]);
    run(command, [...prefix, "install", "-y", "--no-install-recommends", ...packages]);
  } catch (error) {
    throw new Error(
      `Installing ${packages.join(" and ")} failed: ${error.message}\n` +
        `Run as root:  apt-get update && apt-get install -y ${packages.join(" ")}   (the browser tests need ${CHROMIUM}).`,
    );
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get finished but ${CHROMIUM} still does not exist.`);
  return CHROMIUM;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    ensureChromium();
    console.log(`ensure-chromium: ${version()} at ${CHROMIUM}`);
  } catch (error) {
    console.error(`ensure-chromium: ${error.message}`);
    process.exit(1);
  }
}
