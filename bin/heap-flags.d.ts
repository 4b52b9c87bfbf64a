// Types of heap-flags.js (plain JavaScript, so that the launcher runs on any Node).
export declare const HEAP_FLAGS: readonly string[];
export declare const MALLOC_ARENAS: string;
export declare function missingHeapFlags(execArgv: readonly string[], nodeOptions?: string): string[];
export declare function ensureHeapFlags(): void;
