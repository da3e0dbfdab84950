// Pipeline stage 3: statistics -> a report line.
export default function format({ id, city, min, max, mean }) {
  return { id, line: `${String(id).padStart(4)} ${city.padEnd(9)} min ${min.toFixed(1).padStart(6)}  mean ${mean.toFixed(1).padStart(6)}  max ${max.toFixed(1).padStart(6)}` };
}
