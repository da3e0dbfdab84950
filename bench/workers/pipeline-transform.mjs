/** Scenario 4, stage 2 handler: a record -> { user, score }. */
import { transform } from '../lib/pipeline-work.mjs';

export default function handler(rec) {
  return transform(rec);
}
