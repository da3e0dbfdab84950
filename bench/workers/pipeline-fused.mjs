/** Scenario 4, parse and transform in one handler (one pool instead of two chained ones). */
import { parse, transform } from '../lib/pipeline-work.mjs';

export default function handler(line) {
  return transform(parse(line));
}
