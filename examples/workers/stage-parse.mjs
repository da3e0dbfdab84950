// Pipeline stage 1: a CSV line -> a record.
export default function parse(line) {
  const [id, city, temps] = line.split(',');
  return { id: Number(id), city, temps: temps.split(' ').map(Number) };
}
