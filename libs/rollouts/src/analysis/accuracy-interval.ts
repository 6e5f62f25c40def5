const Z95 = 1.959964;

/** Wilson score interval of a proportion at 95 %; null without data. */
export function wilson95(correct: number, judged: number): [number, number] | null {
  if (judged <= 0) return null;
  const p = correct / judged;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * judged)) / (1 + z2 / judged);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / judged + z2 / (4 * judged * judged))) / (1 + z2 / judged);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * 95 % interval of accuracy(candidate) - accuracy(primary), Agresti-Caffo (one success and one
 * failure added to each side), which holds up at small counts; null without data on either side.
 */
export function differenceInterval95(
  c: { correct: number; judged: number },
  p: { correct: number; judged: number },
): [number, number] | null {
  if (c.judged <= 0 || p.judged <= 0) return null;
  const pc = (c.correct + 1) / (c.judged + 2);
  const pp = (p.correct + 1) / (p.judged + 2);
  const se = Math.sqrt((pc * (1 - pc)) / (c.judged + 2) + (pp * (1 - pp)) / (p.judged + 2));
  const d = pc - pp;
  return [d - Z95 * se, d + Z95 * se];
}
