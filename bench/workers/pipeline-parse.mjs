/** Scenario 4, stage 1 handler: a JSON line -> a record. */
import { parse } from '../lib/pipeline-work.mjs';

export default function handler(line) {
  return parse(line);
}
