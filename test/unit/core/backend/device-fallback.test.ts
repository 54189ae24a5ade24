import { describe, expect, it } from 'vitest';
import { isDeviceLost, withDeviceFallback } from '../../../../src/core/backend/device-fallback';
import { TrainingError } from '../../../../src/core/errors/training-error';

describe('GPU device-lost fallback', () => {
  it('recognises the ways WebGPU and WebGL report a lost device', () => {
    expect(isDeviceLost(new Error('GPUDevice was lost: destroyed'))).toBe(true);
    expect(isDeviceLost(new Error('Device is lost'))).toBe(true);
    expect(isDeviceLost(new Error('WebGL: CONTEXT_LOST_WEBGL: loseContext'))).toBe(true);
    expect(isDeviceLost(new TrainingError('device-lost', 'gone'))).toBe(true);
    expect(isDeviceLost(new TrainingError('non-finite', 'NaN loss'))).toBe(false);
    expect(isDeviceLost(new Error('Out of memory'))).toBe(false);
  });

  it('runs again on the fallback backend and says why', async () => {
    let calls = 0;
    const switched: string[] = [];
    const outcome = await withDeviceFallback(
      'webgpu',
      async () => {
        calls++;
        if (calls === 1) throw new Error('GPUDevice was lost: the GPU process crashed');
        return 42;
      },
      async () => {
        switched.push('wasm');
        return 'wasm';
      },
    );
    expect(outcome).toEqual({
      value: 42,
      backend: 'wasm',
      note: 'The webgpu device was lost (GPUDevice was lost: the GPU process crashed); training started again on wasm.',
    });
    expect(calls).toBe(2);
    expect(switched).toEqual(['wasm']);
  });

  it('does not retry other errors, or losses on a CPU backend', async () => {
    const fallback = async () => 'cpu';
    await expect(
      withDeviceFallback(
        'webgpu',
        async () => {
          throw new TrainingError('non-finite', 'The loss became NaN.');
        },
        fallback,
      ),
    ).rejects.toThrow('The loss became NaN.');
    await expect(
      withDeviceFallback(
        'wasm',
        async () => {
          throw new Error('device lost');
        },
        fallback,
      ),
    ).rejects.toThrow('device lost');
  });

  it('says so when no fallback starts', async () => {
    await expect(
      withDeviceFallback(
        'webgl',
        async () => {
          throw new Error('context lost');
        },
        async () => {
          throw new Error('WASM failed to initialise');
        },
      ),
    ).rejects.toThrow(
      /webgl device was lost \(context lost\) and no fallback backend could start: WASM/,
    );
  });
});
