// Pipeline stage 2 (the CPU-heavy one): a record -> statistics, with a deliberately costly
// smoothing pass (a 15-point moving median over the series).
export default function analyze({ id, city, temps }) {
  const smooth = temps.map((_, i) => {
    const window = temps.slice(Math.max(0, i - 7), i + 8).sort((a, b) => a - b);
    return window[window.length >> 1];
  });
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const t of smooth) {
    min = Math.min(min, t);
    max = Math.max(max, t);
    sum += t;
  }
  return { id, city, min, max, mean: sum / smooth.length };
}
