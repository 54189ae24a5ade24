export function findChromium(): string;
export function chromiumArgs(options?: { webgpu?: boolean }): string[];
