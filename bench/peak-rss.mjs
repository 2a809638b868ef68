// Loaded with --import by the memory bench: at exit, the process's peak resident set size
// (KiB, as getrusage reports it; worker threads included) goes to $LOCKSTEP_PEAK_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.LOCKSTEP_PEAK_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
