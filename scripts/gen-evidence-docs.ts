import { writeFileSync } from 'node:fs';
import { renderEvidenceDocs } from '../evidence/reports/docs.js';

writeFileSync(new URL('../docs/evidence.md', import.meta.url), renderEvidenceDocs());
console.log('docs/evidence.md written');
