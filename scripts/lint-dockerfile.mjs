#!/usr/bin/env node
// `npm run lint:docker`: lints Dockerfiles with dockerfile-utils (the validator and formatter of the
// Dockerfile language server, which VS Code's Docker extension uses), every check at error, plus the
// project's own rules for a production image. Prints `file:line:column message` and exits 1 on any.
import { readFileSync } from 'node:fs';
import { format, validate, ValidationSeverity } from 'dockerfile-utils';

const ERROR = ValidationSeverity.ERROR;
const SETTINGS = {
  deprecatedMaintainer: ERROR,
  directiveCasing: ERROR,
  emptyContinuationLine: ERROR,
  instructionCasing: ERROR,
  instructionCmdMultiple: ERROR,
  instructionEntrypointMultiple: ERROR,
  instructionHealthcheckMultiple: ERROR,
  instructionJSONInSingleQuotes: ERROR,
  instructionWorkdirRelative: ERROR,
};

/** The project's rules, on the final stage (after the last FROM). */
function policy(text) {
  const lines = text.split('\n');
  const problems = [];
  const lastFrom = lines.findLastIndex((l) => /^\s*FROM\s/i.test(l));
  const finalStage = lines.slice(lastFrom);
  const has = (re) => finalStage.some((l) => re.test(l));
  const at = (line, message) => problems.push({ line, character: 0, message });
  lines.forEach((l, i) => {
    const from = /^\s*FROM\s+(\S+)/i.exec(l);
    if (from && !from[1].includes(':') && !from[1].includes('@'))
      at(i, `FROM ${from[1]}: pin a tag or digest`);
    if (from && /:latest$/.test(from[1])) at(i, `FROM ${from[1]}: pin a tag, not latest`);
    if (/^\s*ADD\s/i.test(l) && !/https?:\/\//.test(l)) at(i, 'ADD for local files: use COPY');
    if (/\bapt-get\s+install\b/.test(l) && !/--no-install-recommends/.test(l))
      at(i, 'apt-get install without --no-install-recommends');
  });
  if (!has(/^\s*USER\s+(?!root\b|0\b)\S+/i)) at(lastFrom, 'the final stage must switch to a non-root USER');
  if (!has(/^\s*HEALTHCHECK\s/i)) at(lastFrom, 'the final stage has no HEALTHCHECK');
  if (!has(/^\s*CMD\s+\[/i) && !has(/^\s*ENTRYPOINT\s+\[/i))
    at(lastFrom, 'the final stage needs CMD or ENTRYPOINT in exec (JSON) form, so signals reach node');
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) files.push('Dockerfile');
let count = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const report = (line, character, message) => {
    count += 1;
    console.error(`${file}:${line + 1}:${character + 1} ${message}`);
  };
  for (const d of validate(text, SETTINGS)) report(d.range.start.line, d.range.start.character, d.message);
  for (const edit of format(text, { tabSize: 4, insertSpaces: true })) {
    report(
      edit.range.start.line,
      edit.range.start.character,
      `formatting: replace with ${JSON.stringify(edit.newText)}`,
    );
  }
  for (const p of policy(text)) report(p.line, p.character, p.message);
}
if (count > 0) {
  console.error(`${count} problem(s)`);
  process.exit(1);
}
console.log(`dockerfile-utils: ${files.join(', ')} clean`);
