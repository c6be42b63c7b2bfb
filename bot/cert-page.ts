/**
 * `GET /certs/<id>`: a provenance certificate for people (HTML) and machines (JSON, also with
 * `?format=json`), with its verification status against the service's key. Never a credential:
 * the certificate holds only a salted commitment to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CertificateLookup } from '../services/rotation.js';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function certificateJson(found: CertificateLookup, jwksUrl: string) {
  return {
    schema: 'certify.certificate/v1',
    id: found.stored.id,
    url: found.url,
    jwks: jwksUrl,
    verification: { ok: found.check.ok, problems: found.check.problems, warnings: found.check.warnings },
    payload: found.check.payload,
    jws: found.stored.jws,
  };
}

function row(label: string, value: string): string {
  return `<tr><th>${escape(label)}</th><td>${escape(value)}</td></tr>`;
}

export function certificateHtml(found: CertificateLookup, jwksUrl: string): string {
  const { check, stored } = found;
  const p = check.payload;
  const rows = p
    ? [
        row('Preset', `${p.preset.id} · ${p.preset.name} ${p.preset.version}`),
        row(
          'Parameters',
          `${p.parameters.length} characters from an alphabet of ${p.parameters.alphabetSize}; required: ${p.parameters.classes.join(', ') || 'none'}`,
        ),
        row('Entropy', `${p.entropyBits} bits`),
        row(
          'Entropy source',
          `${p.entropySource.generator} · FIPS mode ${p.entropySource.fipsMode ? 'on' : 'off'} · Node ${p.entropySource.node}`,
        ),
        row('Generated at', p.generatedAt),
        row('Expires', p.expiresAt ?? 'never'),
        row(
          'Target',
          p.target
            ? `${p.target.vault}/${p.target.secret}${p.target.version ? ` @ ${p.target.version}` : ''}`
            : 'none',
        ),
        row('Commitment', `${p.commitment.alg}, salt ${p.commitment.salt}, digest ${p.commitment.digest}`),
        row('Signed by', `ES256 key ${p.issuer.kid}`),
      ].join('')
    : '';
  const status = check.ok
    ? '<p class="ok">✓ Valid: the signature verifies with this service\'s key and the certificate matches its target.</p>'
    : `<p class="bad">✗ Not valid:</p><ul>${check.problems.map((x) => `<li>${escape(x)}</li>`).join('')}</ul>`;
  const warnings = check.warnings.length
    ? `<ul class="warn">${check.warnings.map((w) => `<li>${escape(w)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Provenance certificate ${escape(stored.id)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#1f2330}
th{text-align:left;vertical-align:top;padding:4px 16px 4px 0;color:#5a6072;font-weight:600;white-space:nowrap}td{padding:4px 0;word-break:break-all}
.ok{color:#0a7a3d;font-weight:600}.bad{color:#b3261e;font-weight:600}.warn{color:#8a5a00}code,pre{background:#f3f4f8;padding:2px 4px;border-radius:4px}pre{padding:12px;white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>Provenance certificate</h1><p><code>${escape(stored.id)}</code></p>${status}${warnings}
<table>${rows}</table>
<h2>Check it yourself</h2><p>The certificate is a compact JWS (ES256). Verify the signature with the service's key set at <a href="${escape(jwksUrl)}">${escape(jwksUrl)}</a>, or run:</p>
<pre>npx certify cert verify ${escape(found.url)}
# holding the credential: printf %s "$CREDENTIAL" | npx certify cert verify ${escape(found.url)} --credential-stdin</pre>
<h2>JWS</h2><pre>${escape(stored.jws)}</pre>
<p>Machine-readable: <a href="?format=json">JSON</a>. Certify never stores or shows the credential; the certificate holds only a salted commitment to it.</p>
</body></html>`;
}

/** The route itself; `lookup` resolves to null for an unknown id. */
export function certificateRoute(
  lookup: (id: string) => Promise<CertificateLookup | null>,
  jwksUrl: () => string,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Not decoded: a certificate id is plain base32, and a stray `%` must be a 404, not a throw.
    const id = url.pathname.slice('/certs/'.length);
    const wantsJson =
      url.searchParams.get('format') === 'json' ||
      (/application\/json/.test(req.headers.accept ?? '') && !/text\/html/.test(req.headers.accept ?? ''));
    const found = /^cert-[a-z2-7]{26}$/.test(id) ? await lookup(id) : null;
    if (!found) {
      const body = wantsJson
        ? JSON.stringify({ error: `there is no certificate ${id}` })
        : `<!doctype html><title>Not found</title><p>There is no certificate ${escape(id)}.</p>`;
      res.writeHead(404, {
        'content-type': wantsJson ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      });
      res.end(body);
      return;
    }
    const body = wantsJson
      ? JSON.stringify(certificateJson(found, jwksUrl()), null, 2)
      : certificateHtml(found, jwksUrl());
    res.writeHead(200, {
      'content-type': wantsJson ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      vary: 'accept',
    });
    res.end(body);
  };
}
