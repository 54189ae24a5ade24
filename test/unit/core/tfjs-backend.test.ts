import { describe, expect, it } from 'vitest';
import {
  activeBackend,
  initTfjs,
  listBackends,
  tf,
  useBackend,
} from '../../../src/core/backend/tfjs';
import { probeWasm, probeWebGl, probeWebGpu } from '../../../src/core/backend/probe';

describe('tfjs backend selection in Node', () => {
  it('explains why WebGPU and WebGL are missing and picks WASM', async () => {
    const setup = await initTfjs();
    expect(setup.ok).toBe(true);
    if (!setup.ok) return;
    expect(setup.backend).toBe('wasm');
    expect(setup.tried).toEqual([
      {
        backend: 'webgpu',
        available: false,
        reason: 'WebGPU: not supported here (navigator.gpu is missing)',
      },
      {
        backend: 'webgl',
        available: false,
        reason: 'WebGL: no WebGL2 context here (no OffscreenCanvas or document to draw on)',
      },
      { backend: 'wasm', available: true },
    ]);
    expect(tf.getBackend()).toBe('wasm');
    expect(activeBackend()).toBe('wasm');
  });

  it('lists every backend and keeps the active one active', async () => {
    await useBackend('wasm');
    const statuses = await listBackends();
    expect(statuses.map((s) => [s.backend, s.available])).toEqual([
      ['webgpu', false],
      ['webgl', false],
      ['wasm', true],
      ['cpu', true],
    ]);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('can be forced onto a backend and computes on it', async () => {
    const setup = await initTfjs({ prefer: 'cpu' });
    expect(setup.ok && setup.backend).toBe('cpu');
    expect(setup.tried).toEqual([{ backend: 'cpu', available: true }]);
    const sum = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])));
    expect(await sum.data()).toEqual(new Float32Array([6]));
    sum.dispose();
  });

  it('keeps the working backend when a forced one is unavailable', async () => {
    await useBackend('cpu');
    const status = await useBackend('webgpu');
    expect(status.available).toBe(false);
    expect(tf.getBackend()).toBe('cpu');
    expect(activeBackend()).toBe('cpu');
  });
});

describe('backend probes', () => {
  it('reports an adapter that is missing', async () => {
    const gpu = { requestAdapter: async () => null };
    expect(await probeWebGpu(gpu)).toEqual({
      ok: false,
      reason: 'WebGPU: no adapter (navigator.gpu.requestAdapter() returned null)',
    });
  });

  it('reports a requestAdapter failure with its message', async () => {
    const gpu = {
      requestAdapter: async () => {
        throw new Error('blocklisted');
      },
    };
    expect(await probeWebGpu(gpu)).toEqual({
      ok: false,
      reason: 'WebGPU: requestAdapter() failed: blocklisted',
    });
  });

  it('describes a fallback adapter, its features and limits', async () => {
    const limits = Object.create({
      get maxBufferSize() {
        return 268435456;
      },
      get maxStorageBufferBindingSize() {
        return 134217728;
      },
      get maxComputeWorkgroupSizeX() {
        return 256;
      },
    }) as Record<string, number>;
    const adapter = {
      features: new Set(['timestamp-query', 'float32-filterable']),
      limits,
      info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader' },
      isFallbackAdapter: true,
    };
    const probe = await probeWebGpu({ requestAdapter: async () => adapter });
    expect(probe).toEqual({
      ok: true,
      details: {
        vendor: 'google',
        architecture: 'swiftshader',
        device: '',
        description: 'SwiftShader',
        isFallbackAdapter: true,
        features: ['float32-filterable', 'timestamp-query'],
        limits: {
          maxBufferSize: 268435456,
          maxStorageBufferBindingSize: 134217728,
          maxComputeWorkgroupSizeX: 256,
          maxComputeInvocationsPerWorkgroup: 0,
          maxComputeWorkgroupStorageSize: 0,
        },
      },
    });
  });

  it('finds no WebGL in Node and WebAssembly with SIMD', () => {
    expect(probeWebGl().ok).toBe(false);
    expect(probeWasm()).toEqual({ ok: true, details: { simd: true } });
  });
});
