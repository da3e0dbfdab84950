import { describe, expect, it } from 'vitest';
import { Watermark } from '../../src/limit/watermark.js';

describe('Watermark', () => {
  it('emits high at the high mark and low at the low mark, once each (hysteresis)', () => {
    const mark = new Watermark({ high: 5, low: 2 });
    const events: string[] = [];
    mark.on('high', (level) => events.push(`high@${level}`));
    mark.on('low', (level) => events.push(`low@${level}`));
    for (const level of [1, 3, 4, 5, 6, 5, 4, 3, 5, 2, 1, 0, 4, 7]) mark.update(level);
    expect(events).toEqual(['high@5', 'low@2', 'high@7']);
    expect(mark.isHigh).toBe(true);
    expect(mark.level).toBe(7);
  });

  it('ready() resolves at once while low and waits for the low mark while high', async () => {
    const mark = new Watermark({ high: 3, low: 1 });
    await mark.ready();
    mark.update(3);
    let resolved = false;
    const waiting = mark.ready().then(() => (resolved = true));
    mark.update(2);
    await Promise.resolve();
    expect(resolved).toBe(false);
    mark.update(1);
    await waiting;
    expect(resolved).toBe(true);
  });

  it('an aborted ready() rejects with the reason and is not woken later', async () => {
    const mark = new Watermark({ high: 2, low: 0 });
    mark.update(2);
    const controller = new AbortController();
    const waiting = mark.ready({ signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    mark.update(0);
    expect(mark.isHigh).toBe(false);
  });

  it('validates its marks', () => {
    expect(() => new Watermark({ high: 0, low: 0 })).toThrow(RangeError);
    expect(() => new Watermark({ high: 4, low: 4 })).toThrow(/low must be an integer from 0 to high - 1 \(3\)/);
    expect(() => new Watermark({ high: 4, low: 1 }).update(-1)).toThrow(/level must be/);
  });
});
