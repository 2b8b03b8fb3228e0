import * as assert from 'node:assert/strict';
import { Debounce, KeyedDebounce } from '../../src/host/debounce';

/** Waits past every debounce above (timers of a shorter delay fire first). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

describe('Debounce', () => {
  it('runs only the last of the calls made while waiting, once', async () => {
    const d = new Debounce(5);
    const ran: number[] = [];
    for (let i = 0; i < 4; i++) d.run(() => ran.push(i));
    await settle();
    assert.deepEqual(ran, [3]);
    d.run(() => ran.push(9));
    await settle();
    assert.deepEqual(ran, [3, 9]);
  });

  it('runs nothing once cancelled or disposed', async () => {
    const d = new Debounce(5);
    const ran: string[] = [];
    d.run(() => ran.push('cancelled'));
    d.cancel();
    d.run(() => ran.push('disposed'));
    d.dispose();
    await settle();
    assert.deepEqual(ran, []);
  });

  it('keyed: each key waits on its own, and disposing drops them all', async () => {
    const d = new KeyedDebounce(5);
    const ran: string[] = [];
    d.run('a', () => ran.push('a1'));
    d.run('b', () => ran.push('b'));
    d.run('a', () => ran.push('a2'));
    await settle();
    assert.deepEqual(ran.sort(), ['a2', 'b']);
    d.run('a', () => ran.push('late'));
    d.dispose();
    await settle();
    assert.deepEqual(ran.sort(), ['a2', 'b']);
  });
});
