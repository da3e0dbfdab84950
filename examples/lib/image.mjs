// The pixel work of the image-pipeline example, shared by its worker handler and its
// single-thread baseline: make an RGBA image, blur it, resize it, encode it as PNG.
import pngjs from 'pngjs';

const { PNG } = pngjs;

/** "Download": a deterministic RGBA image for `seed` (gradients, rings and noise). */
export function generate(seed, width, height) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  let s = seed * 2654435761 >>> 0;
  const cx = (seed * 37) % width;
  const cy = (seed * 53) % height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      const ring = Math.sin(Math.hypot(x - cx, y - cy) / 6) * 60;
      const i = (y * width + x) * 4;
      rgba[i] = (x * 255) / width + ring;
      rgba[i + 1] = (y * 255) / height - ring;
      rgba[i + 2] = ((seed * 40) % 255) + ((s >>> 24) & 63) - 32;
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

/** One horizontal or vertical box-blur pass of the given radius. */
function boxPass(src, dst, width, height, radius, horizontal) {
  const lines = horizontal ? height : width;
  const length = horizontal ? width : height;
  const step = horizontal ? 4 : width * 4;
  const span = 2 * radius + 1;
  for (let line = 0; line < lines; line++) {
    const first = horizontal ? line * width * 4 : line * 4;
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += src[first + Math.min(length - 1, Math.max(0, k)) * step + c];
      for (let p = 0; p < length; p++) {
        dst[first + p * step + c] = sum / span;
        const out = Math.max(0, p - radius);
        const into = Math.min(length - 1, p + radius + 1);
        sum += src[first + into * step + c] - src[first + out * step + c];
      }
    }
  }
}

/** Three box-blur passes each way: close to a Gaussian blur. */
export function blur(rgba, width, height, radius) {
  let a = rgba;
  let b = new Uint8ClampedArray(rgba.length);
  for (let pass = 0; pass < 3; pass++) {
    boxPass(a, b, width, height, radius, true);
    boxPass(b, a, width, height, radius, false);
  }
  return a;
}

/** Bilinear resize. */
export function resize(rgba, width, height, toWidth, toHeight) {
  const out = new Uint8ClampedArray(toWidth * toHeight * 4);
  const sx = (width - 1) / Math.max(1, toWidth - 1);
  const sy = (height - 1) / Math.max(1, toHeight - 1);
  for (let y = 0; y < toHeight; y++) {
    const fy = y * sy;
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < toWidth; x++) {
      const fx = x * sx;
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const top = rgba[(y0 * width + x0) * 4 + c] * (1 - wx) + rgba[(y0 * width + x1) * 4 + c] * wx;
        const bottom = rgba[(y1 * width + x0) * 4 + c] * (1 - wx) + rgba[(y1 * width + x1) * 4 + c] * wx;
        out[(y * toWidth + x) * 4 + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/** PNG bytes, with pngjs. */
export function encode(rgba, width, height) {
  return PNG.sync.write({ width, height, data: Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength) });
}

/** The whole per-image job, with the time each step took. */
export function processImage({ seed, width, height, scale }) {
  const t0 = performance.now();
  const raw = generate(seed, width, height);
  const t1 = performance.now();
  const soft = blur(raw, width, height, 2);
  const t2 = performance.now();
  const toWidth = Math.round(width * scale);
  const toHeight = Math.round(height * scale);
  const small = resize(soft, width, height, toWidth, toHeight);
  const t3 = performance.now();
  const png = encode(small, toWidth, toHeight);
  const t4 = performance.now();
  return { seed, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), ms: [t1 - t0, t2 - t1, t3 - t2, t4 - t3] };
}
