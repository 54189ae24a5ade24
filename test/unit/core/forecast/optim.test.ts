import { describe, expect, it } from 'vitest';
import {
  bfgs,
  brentMinimize,
  invert,
  leastSquares,
  minRootModulus,
  nelderMead,
  numericalHessian,
  polyroot,
} from '../../../../src/core/forecast/optim';
import { normalArray, seededRandom } from '../../../../src/core/random';

const rosenbrock = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;

// Reference values from R 4.2.2 (stats::optim, optimize, optimHess, polyroot, lm).
describe('minimisers match R step for step', () => {
  it('Nelder–Mead: optim(c(-1.2, 1), fr)', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    expect(result.x[0]).toBeCloseTo(1.00026013872567, 12);
    expect(result.x[1]).toBeCloseTo(1.00050599930377, 12);
    expect(result.value).toBeCloseTo(8.82524109672275e-8, 18);
    expect(result.evaluations).toBe(195);
    expect(result.converged).toBe(true);
  });

  it('BFGS with a numerical gradient: optim(c(-1.2, 1), fr, method = "BFGS")', () => {
    const result = bfgs(rosenbrock, [-1.2, 1]);
    expect(result.x[0]).toBeCloseTo(0.999804433231397, 10);
    expect(result.x[1]).toBeCloseTo(0.999608380623481, 10);
    expect(result.value).toBeCloseTo(3.82738275610795e-8, 16);
    expect(result.evaluations).toBe(118);
    expect(result.converged).toBe(true);
  });

  it('BFGS with parscale, and the Hessian optim reports', () => {
    const options = { parscale: [2, 0.5] };
    const result = bfgs(rosenbrock, [-1.2, 1], options);
    expect(result.x[0]).toBeCloseTo(0.999189467978233, 9);
    expect(result.x[1]).toBeCloseTo(0.998379514999012, 9);
    const hessian = numericalHessian(rosenbrock, result.x, options);
    expect(hessian[0]).toBeCloseTo(800.705705502729, 4);
    expect(hessian[1]).toBeCloseTo(-399.675787191265, 4);
    expect(hessian[2]).toBeCloseTo(-399.675787191265, 4);
    expect(hessian[3]).toBeCloseTo(199.999999999978, 4);
  });

  it('optimHess(c(0.5, 0.7), fr)', () => {
    const hessian = numericalHessian(rosenbrock, [0.5, 0.7]);
    expect(Array.from(hessian)).toEqual([
      expect.closeTo(22.0007999987004, 6),
      expect.closeTo(-200.000000000422, 6),
      expect.closeTo(-200.000000000422, 6),
      expect.closeTo(199.999999999534, 6),
    ]);
  });

  it('Brent: optimize(function(x) (x - 1/3)^2 + sin(3x), c(-2, 2))', () => {
    const f = (x: number) => (x - 1 / 3) ** 2 + Math.sin(3 * x);
    const minimum = brentMinimize(f, -2, 2);
    expect(minimum).toBeCloseTo(-0.362760812042332, 12);
    expect(f(minimum)).toBeCloseTo(-0.401284199670078, 12);
  });

  it('stops at the iteration limit and says so', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxit: 20 });
    expect(result.converged).toBe(false);
    expect(result.evaluations).toBeLessThanOrEqual(22);
    expect(bfgs(rosenbrock, [-1.2, 1], { maxit: 3 }).converged).toBe(false);
  });

  it('refuses a start where the objective is not finite', () => {
    expect(() => nelderMead(() => NaN, [1, 2])).toThrow(/initial parameters/);
    expect(() => bfgs(() => Infinity, [1, 2])).toThrow(/not finite/);
  });

  it('finds minima of random convex quadratics from any start', () => {
    for (let seed = 0; seed < 20; seed++) {
      const random = seededRandom(seed);
      const center = normalArray(random, 3);
      const scales = Float64Array.from(normalArray(random, 3), (v) => 1 + v * v);
      const f = (x: Float64Array) =>
        scales.reduce((sum, s, i) => sum + s * (x[i]! - center[i]!) ** 2, 0);
      const start = normalArray(random, 3, 0, 5);
      const viaBfgs = bfgs(f, start);
      const viaSimplex = nelderMead(f, start, { maxit: 5000, reltol: 1e-14 });
      for (let i = 0; i < 3; i++) {
        expect(viaBfgs.x[i], `seed ${seed}`).toBeCloseTo(center[i]!, 4);
        expect(viaSimplex.x[i], `seed ${seed}`).toBeCloseTo(center[i]!, 3);
      }
    }
  });
});

describe('linear algebra', () => {
  it('least squares matches lm(dist ~ speed, cars)', () => {
    // R's cars data set, all 50 rows.
    const speed = [
      4, 4, 7, 7, 8, 9, 10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15,
      15, 16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24,
      24, 25,
    ];
    const dist = [
      2, 10, 4, 22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28, 26, 34, 34, 46, 26, 36, 60, 80, 20,
      26, 54, 32, 40, 32, 40, 50, 42, 56, 76, 84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92,
      93, 120, 85,
    ];
    const design = new Float64Array(100);
    speed.forEach((s, i) => {
      design[2 * i] = 1;
      design[2 * i + 1] = s;
    });
    const fit = leastSquares(design, dist, 50, 2);
    expect(fit.rank).toBe(2);
    expect(fit.coefficients[0]).toBeCloseTo(-17.5790948905109, 10);
    expect(fit.coefficients[1]).toBeCloseTo(3.93240875912409, 10);
    expect(fit.standardErrors[0]).toBeCloseTo(6.75844016937923, 10);
    expect(fit.standardErrors[1]).toBeCloseTo(0.415512776657122, 10);
  });

  it('reports rank deficiency and zeroes the dependent column', () => {
    const design = Float64Array.from([1, 2, 4, 1, 3, 6, 1, 4, 8, 1, 5, 10]);
    const fit = leastSquares(design, [1, 2, 3, 4], 4, 3);
    expect(fit.rank).toBe(2);
    expect(fit.coefficients[2]).toBe(0);
    expect(fit.residuals.every((r) => Math.abs(r) < 1e-12)).toBe(true);
  });

  it('inverts well-conditioned matrices and refuses singular ones', () => {
    const inverse = invert(Float64Array.from([4, 7, 2, 6]), 2)!;
    expect(Array.from(inverse)).toEqual([
      expect.closeTo(0.6, 12),
      expect.closeTo(-0.7, 12),
      expect.closeTo(-0.2, 12),
      expect.closeTo(0.4, 12),
    ]);
    expect(invert(Float64Array.from([1, 2, 2, 4]), 2)).toBeNull();
    expect(invert(Float64Array.from([1, 1, 1, 1 + 1e-17]), 2)).toBeNull();
  });
});

describe('polynomial roots', () => {
  const sorted = (coefficients: number[]) =>
    polyroot(coefficients)
      .map((root) => [Math.round(root.re * 1e9) / 1e9, Math.round(root.im * 1e9) / 1e9])
      .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);

  it('finds real and complex roots as polyroot does', () => {
    expect(sorted([6, -5, -2, 1])).toEqual([
      [-2, 0],
      [1, 0],
      [3, 0],
    ]);
    expect(sorted([1, 0, 1])).toEqual([
      [0, -1],
      [0, 1],
    ]);
    // Mod(polyroot(c(1, -0.5, 0, 0.3, 0.2)))
    expect(minRootModulus([1, -0.5, 0, 0.3, 0.2])).toBeCloseTo(1.12698242419396, 10);
  });

  it('handles seasonal polynomials of high degree and trailing zeros', () => {
    // 1 − 0.5 z^12 has twelve roots of modulus 2^(1/12).
    const coefficients = new Array(13).fill(0);
    coefficients[0] = 1;
    coefficients[12] = -0.5;
    const roots = polyroot([...coefficients, 0, 0]);
    expect(roots).toHaveLength(12);
    for (const root of roots) expect(Math.hypot(root.re, root.im)).toBeCloseTo(2 ** (1 / 12), 10);
    expect(polyroot([5])).toEqual([]);
  });

  it('converges from a seed near the roots', () => {
    const first = polyroot([0.2, -0.9, 1]);
    const again = polyroot([0.21, -0.9, 1], first);
    expect(again).toHaveLength(2);
    for (const { re, im } of again) {
      // 0.21 − 0.9z + z² at z = re + i·im
      const valueRe = 0.21 - 0.9 * re + re * re - im * im;
      const valueIm = -0.9 * im + 2 * re * im;
      expect(Math.hypot(valueRe, valueIm)).toBeLessThan(1e-12);
    }
  });
});
