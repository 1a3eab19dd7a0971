/**
 * The one error type the engine throws for bad parameters or shapes. Its message names the op and
 * the values (`conv2d: input has 3 channels but the weight expects 4 (weight [2, 4, 3, 3])`), so the
 * UI can show it as it is; anything else thrown from the engine is a bug.
 */
export class EngineError extends Error {
  constructor(
    readonly op: string,
    readonly detail: string,
  ) {
    super(`${op}: ${detail}`);
    this.name = 'EngineError';
  }
}
