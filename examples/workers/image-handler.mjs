// WorkerPool handler of the image pipeline: one image, generated, blurred, resized, encoded.
import { threadId } from 'node:worker_threads';
import { processImage } from '../lib/image.mjs';

export default function handle(job) {
  const { png, ...rest } = processImage(job);
  // The PNG travels back as an ArrayBuffer. (conveyor 0.1.0 decodes typed arrays in an item
  // as views of a reused buffer, so a Uint8Array result could change after it arrived; an
  // ArrayBuffer is always a copy. Once that is fixed, returning `png` itself is fine.)
  return { ...rest, png: png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength), thread: threadId };
}
