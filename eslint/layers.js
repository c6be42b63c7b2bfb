// @ts-check
/**
 * The house runs one way: the layer table, bottom to top, and the lint rule that holds every
 * folder to it. A file may import its own folder and the folders of the layers below; never a
 * folder of its own layer or of a layer above. The README's Architecture section shows this table,
 * and a test checks that the two agree.
 */
import { dirname, relative, resolve, sep } from 'node:path';

/** Bottom to top; folders on one row are siblings and may not import each other. */
export const LAYERS = [
  ['base'],
  ['provenance'],
  ['scanner'],
  ['charts'],
  ['evidence'],
  ['store', 'adapters'],
  ['services'],
  ['app'],
  ['cards'],
  ['bot', 'cli'],
];

const LAYER_OF = new Map(LAYERS.flatMap((row, i) => row.map((folder) => [folder, i])));

/** The top-level folder of a path relative to the project root, or null outside the layers. */
function roomOf(root, file) {
  const rel = relative(root, file);
  if (rel.startsWith('..')) return null;
  const top = rel.split(sep)[0] ?? '';
  return LAYER_OF.has(top) ? top : null;
}

/** @type {import('eslint').Rule.RuleModule} */
const oneWay = {
  meta: {
    type: 'problem',
    docs: { description: 'A folder imports only its own folder and the folders of the layers below it.' },
    schema: [],
    messages: {
      up: '{{from}}/ (layer {{fromLayer}}) may not import {{to}}/ (layer {{toLayer}}): a folder imports only the layers below it. Move the shared part down, or pass it in as a port.',
      sibling:
        '{{from}}/ and {{to}}/ are on one layer and may not import each other: move the shared part to a layer below both.',
    },
  },
  create(context) {
    const root = context.cwd;
    const from = roomOf(root, context.filename);
    if (from === null) return {};
    const fromLayer = /** @type {number} */ (LAYER_OF.get(from));
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = roomOf(root, resolve(dirname(context.filename), spec));
      if (to === null || to === from) return;
      const toLayer = /** @type {number} */ (LAYER_OF.get(to));
      if (toLayer < fromLayer) return;
      context.report({
        node,
        messageId: toLayer === fromLayer ? 'sibling' : 'up',
        data: { from, to, fromLayer: String(fromLayer), toLayer: String(toLayer) },
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export const layersPlugin = { rules: { 'one-way': oneWay } };
