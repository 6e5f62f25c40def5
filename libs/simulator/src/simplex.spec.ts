import { seededRandom } from '@switchyard/common';
import { solveLinearProgram } from './simplex';

/** Independent reference for 2 variables: best objective over every vertex of the feasible polygon. */
function bruteForce2d(c: number[], rows: { coefficients: number[]; bound: number }[]): number {
  const lines = [...rows, { coefficients: [-1, 0], bound: 0 }, { coefficients: [0, -1], bound: 0 }];
  let best = -Infinity;
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      const [a, b] = lines[i].coefficients;
      const [d, e] = lines[j].coefficients;
      const det = a * e - b * d;
      if (Math.abs(det) < 1e-12) continue;
      const x = (lines[i].bound * e - b * lines[j].bound) / det;
      const y = (a * lines[j].bound - lines[i].bound * d) / det;
      const feasible = lines.every((l) => l.coefficients[0] * x + l.coefficients[1] * y <= l.bound + 1e-9);
      if (feasible) best = Math.max(best, c[0] * x + c[1] * y);
    }
  }
  return best;
}

describe(solveLinearProgram.name, () => {
  it('solves the textbook Wyndor program (36 at x = 2, y = 6)', () => {
    const sut = solveLinearProgram({
      objective: [3, 5],
      constraints: [
        { coefficients: [1, 0], bound: 4 },
        { coefficients: [0, 2], bound: 12 },
        { coefficients: [3, 2], bound: 18 },
      ],
    });
    expect(sut.status).toBe('optimal');
    if (sut.status !== 'optimal') return;
    expect(sut.value).toBeCloseTo(36, 9);
    expect(sut.x[0]).toBeCloseTo(2, 9);
    expect(sut.x[1]).toBeCloseTo(6, 9);
  });

  it('agrees with vertex enumeration on random bounded programs', () => {
    const random = seededRandom(2024);
    for (let k = 0; k < 200; k++) {
      const c = [random() * 10 - 2, random() * 10 - 2];
      const rows = Array.from({ length: 2 + Math.floor(random() * 4) }, () => ({
        coefficients: [random() * 5 - 1, random() * 5 - 1],
        bound: random() < 0.2 ? 0 : random() * 20,
      }));
      rows.push({ coefficients: [1, 1], bound: 30 }); // keeps it bounded
      const sut = solveLinearProgram({ objective: c, constraints: rows });
      expect(sut.status).toBe('optimal');
      if (sut.status === 'optimal') expect(sut.value).toBeCloseTo(bruteForce2d(c, rows), 6);
    }
  });

  it('reports an unbounded program', () => {
    expect(solveLinearProgram({ objective: [1, 1], constraints: [{ coefficients: [1, -1], bound: 3 }] })).toEqual({
      status: 'unbounded',
    });
  });

  it('refuses a negative bound (its origin is not feasible)', () => {
    expect(() => solveLinearProgram({ objective: [1], constraints: [{ coefficients: [-1], bound: -1 }] })).toThrow('bound must be >= 0');
  });
});
