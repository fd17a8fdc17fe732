/** Writes the Nexmark input once for both engines. Usage: tsx bench/nexmark/gen.ts DIR EVENTS FILES [EVENTS_PER_SECOND] */
import { DEFAULT_CONFIG, writeInput } from "./generator.js";

const [dir, n, files, rate] = process.argv.slice(2) as [string, string, string, string?];
const counts = writeInput(dir, Number(n), Number(files), { ...DEFAULT_CONFIG, eventsPerSecond: Number(rate ?? DEFAULT_CONFIG.eventsPerSecond) });
console.log(`wrote ${n} Nexmark events to ${dir}: ${JSON.stringify(counts)}`);
