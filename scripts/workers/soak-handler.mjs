// The soak's handler: a mixed workload. Every result is a deterministic function of its item,
// so the main thread can check each one.
export default async function handle(item) {
  switch (item.kind) {
    case 'cpu': {
      // A few microseconds to a millisecond of arithmetic.
      let x = item.seed >>> 0;
      for (let i = 0; i < item.n; i++) x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x;
    }
    case 'echo':
      return { id: item.id, text: item.text.toUpperCase(), list: item.list.map((v) => v * 2) };
    case 'big':
      return item.blob.length + item.blob.charCodeAt(item.blob.length - 1);
    case 'async':
      await new Promise((r) => setTimeout(r, item.ms));
      return item.id;
    case 'throw':
      throw new RangeError(`soak failure ${item.id}`);
    default:
      throw new TypeError(`unknown soak item ${JSON.stringify(item)}`);
  }
}
