// Once per test run, before any test file: the browser and the production
// build the browser tests need. Test files run in parallel, so doing this in
// each file's beforeAll would build twice at once.
import { ensureChromium } from "../scripts/ensure-chromium.mjs";
import { ensureBuild } from "./e2e/support/app.ts";

export default function setup(): void {
  ensureChromium();
  ensureBuild();
}
