/** Types of layers.js (plain JS: ESLint loads its config without a TypeScript step). */
export declare const LAYERS: string[][];
export declare const layersPlugin: { rules: Record<string, unknown> };
