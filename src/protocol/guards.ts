/** Small runtime type guards shared by every message guard. */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isInteger(value: unknown, min = -Infinity, max = Infinity): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isString(value: unknown, maxLength = 1_000_000): value is string {
  return typeof value === 'string' && value.length <= maxLength;
}

export function isArrayOf<T>(value: unknown, item: (v: unknown) => v is T, maxLength = 10_000_000): value is T[] {
  return Array.isArray(value) && value.length <= maxLength && value.every(item);
}

/** A number as it may cross JSON: finite, or NaN/±Infinity spelled as strings. */
export function isWireNumber(value: unknown): boolean {
  return typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity';
}
