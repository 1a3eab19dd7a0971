/** Simplified Chinese for the playground page, keyed by the English text. */
export const zhCn: Record<string, string> = {
};
