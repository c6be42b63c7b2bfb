/**
 * `--import` this (compiled: dist/test/bench/snapshot-rss-preload.js) into a process the snapshot
 * bench measures: at exit it writes the process's peak RSS (`{"maxRssKb": …}`) to the file named
 * by CERTIFY_BENCH_RSS_FILE, so the parent reads it without touching the child's stdout. The
 * floor and the product both get it, so its (tiny) cost is the same on both sides.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.CERTIFY_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  });
}
