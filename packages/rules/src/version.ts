/** The Socle version this code is; packages declare the minimum they need in `socle:`. */
export const SOCLE_VERSION = '0.2.0';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function isSemver(s: string): boolean {
  return SEMVER.test(s);
}

/** Compares two semver versions by major, minor, patch (pre-release sorts before release). */
export function compareSemver(a: string, b: string): number {
  const ma = SEMVER.exec(a);
  const mb = SEMVER.exec(b);
  if (!ma || !mb) throw new Error(`not a semver version: ${!ma ? a : b}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d !== 0) return d;
  }
  if (ma[4] && !mb[4]) return -1;
  if (!ma[4] && mb[4]) return 1;
  return (ma[4] ?? '').localeCompare(mb[4] ?? '');
}
