/**
 * `/certify rotate kv-prod/db-password --preset pci` end to end on real parts: the bot core as an authenticated channel hands it people,
 * the approval rules, the credential generator, the Key Vault write through the official SDK to
 * the fake Key Vault (HTTPS, proxy, test CA), the signed certificate at GET /certs/<id>, the CLI
 * `cert verify`, the next scan — and a search of every log, card, store file and audit entry for
 * the credential, which must appear in none of them.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { createServer, type BotServer } from '../../bot/server.js';
import type { BotCore } from '../../bot/types.js';
import type { EvidenceView, View } from '../../cards/views.js';
import { toAdaptiveCard, toBlockKit } from '../../cards/index.js';
import { azureSourceFromEnv } from '../../adapters/azure-source.js';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import { openEvidence } from '../../app/evidence.js';
import { b64url, signCompact, signerFromKey } from '../../base/jws.js';
import { keyVaultWriterFromEnv } from '../../adapters/keyvault-writer.js';
import { openProvenance } from '../../app/provenance.js';
import { PROVENANCE_TAG } from '../../provenance/writer.js';
import { inventory, secret, vault, vaultArmId } from '../support/builders.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { runCli } from '../cli/harness.js';
import { registerSecret } from '../support/secrets.js';

const SUB = '00000000-0000-0000-0000-0000000000aa';
const RILEY = { id: 'playground-riley', name: 'Riley Chen' };
const MORGAN = { id: 'playground-morgan', name: 'Morgan Diaz' };
const CHANNEL = { kind: 'slack', id: 'C0ROTATE' } as const;
const NOW = Date.parse('2026-11-26T10:00:00Z');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('rotation with provenance, against the fake Key Vault', () => {
  let fake: FakeAzure;
  let undo: () => void;
  let server: BotServer;
  let core: BotCore;
  let base: string;
  let dataDir: string;
  const logs: string[] = [];
  const responses: string[] = [];
  let env: Record<string, string | undefined>;
  let rotated: EvidenceView;
  let credential: string;
  let certId: string;
  let jws: string;
  let wiring: Awaited<ReturnType<typeof openEvidence>>;
  let provenance: ReturnType<typeof openProvenance>;

  beforeAll(async () => {
    fake = await startFakeAzure({
      inventory: inventory({
        tenantId: '72f988bf-0000-4000-8000-00000000beef',
        vaults: [vault('kv-prod', { id: vaultArmId('kv-prod', SUB) })],
        secrets: [secret('db-password', { vault: 'kv-prod' }), secret('other', { vault: 'kv-prod' })],
        keys: [],
        certificates: [],
      }),
      writableSecrets: true,
    });
    undo = fake.applyEnv();
    env = { ...process.env, CERTIFY_AZURE_MAX_RETRIES: '2' };
    dataDir = mkdtempSync(join(tmpdir(), 'certify-rotate-'));
    const config = {
      ...readBotEnv({ PORT: '0', CERTIFY_SOURCE: 'azure' }, dataDir),
      playground: true,
      approvers: [MORGAN.id],
    };
    const ports = openPorts(dataDir, 50);
    const source = azureSourceFromEnv(env);
    wiring = await openEvidence({
      dataDir,
      ports,
      source,
      approvers: config.approvers,
      publicUrl: 'http://placeholder',
      tsaUrl: null,
      now: Date.now(),
    });
    const log = (event: string, fields: Record<string, unknown> = {}) =>
      void logs.push(JSON.stringify({ event, ...fields }));
    // Links name the server's own URL, so its port is found first.
    const probe = await (async () => {
      const s = createServer({
        config,
        core: createBotCore({ ports, source, clock: () => NOW }),
        log,
        version: 'test',
      });
      const { port } = await s.listen();
      await s.close();
      return port;
    })();
    base = `http://127.0.0.1:${probe}`;
    provenance = openProvenance({
      dataDir,
      signer: wiring.signer,
      audit: wiring.audit,
      approvers: config.approvers,
      publicUrl: base,
      azureWriter: () => keyVaultWriterFromEnv(env),
    });
    // Every scan from here on sees what this service issued and rotated.
    ports.extras = provenance.extras;
    core = createBotCore({
      ports,
      source,
      clock: () => NOW,
      provenance: provenance.service,
      audit: wiring.audit,
      evidence: wiring.service,
      onError: (e) => log('command_error', { error: String(e) }),
    });
    server = createServer({
      config: { ...config, port: probe },
      core,
      log,
      version: 'test',
      jwks: () => wiring.signer.jwks(),
      certificates: {
        lookup: (id) => provenance.service.certificate(id, NOW),
        jwksUrl: () => provenance.service.jwksUrl(),
      },
    });
    await server.listen();
  });
  afterAll(async () => {
    await server.close();
    undo();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Through the channel-neutral core, as an authenticated channel (Slack, Teams) hands it people
  // it has verified: the playground never acts beside a real source.
  function answered(view: View): View {
    const text = JSON.stringify(view);
    responses.push(text, JSON.stringify(toBlockKit(view)), JSON.stringify(toAdaptiveCard(view)));
    return JSON.parse(text) as View;
  }
  const command = async (text: string, user: typeof RILEY) =>
    answered(await core.answer(text, user, CHANNEL));
  const act = async (verb: string, data: Record<string, string>, user: typeof RILEY) =>
    answered(await core.act(verb, data, user, CHANNEL));

  it('asks, refuses the requester, and rotates when an approver agrees', async () => {
    const pending = (await command(
      '/certify rotate kv-prod/db-password --preset pci',
      RILEY,
    )) as EvidenceView;
    assert.equal(pending.kind, 'evidence');
    assert.equal(pending.badge, 'AWAITING APPROVAL');
    assert.deepEqual(
      pending.actions.map((a) => a.verb),
      ['rotation.approve', 'rotation.reject'],
    );
    const id = pending.bundleId;

    const self = (await act('rotation.approve', { id }, RILEY)) as EvidenceView;
    assert.equal(self.badge, 'AWAITING APPROVAL');
    assert.match(self.note ?? '', /Riley Chen is not an approver/);
    assert.equal(fake.secretWrites().length, 0, 'nothing written before approval');

    rotated = (await act('rotation.approve', { id }, MORGAN)) as EvidenceView;
    assert.equal(rotated.badge, 'ROTATED', rotated.text);
    assert.ok(rotated.link);
    certId = rotated.facts.find((f) => f.label === 'Certificate')!.value;
    assert.match(certId, /^cert-[a-z2-7]{26}$/);
    assert.equal(rotated.link.url, `${base}/certs/${certId}`);

    const again = (await act('rotation.approve', { id }, MORGAN)) as EvidenceView;
    assert.match(again.note ?? '', /Already approved/);
    assert.equal(fake.secretWrites().length, 1, 'a double click writes nothing more');
  });

  it('wrote one new version to Key Vault with the certificate in its tags and the preset expiry', () => {
    const [w] = fake.secretWrites();
    assert.ok(w);
    credential = w.value;
    registerSecret('rotated credential', w.value);
    assert.equal(w.vault, 'kv-prod');
    assert.equal(w.name, 'db-password');
    assert.equal(w.tags[PROVENANCE_TAG], certId);
    assert.equal(credential.length, 16);
    assert.ok(/[a-z]/.test(credential) && /[A-Z]/.test(credential) && /[0-9]/.test(credential));
    assert.equal(Date.parse(w.expires!), NOW + 90 * 86_400_000);
    assert.equal(rotated.facts.find((f) => f.label === 'New version')!.value, w.version);
  });

  it('GET /certs/<id> shows the certificate to people and machines, valid for that version', async () => {
    const html = await fetch(`${base}/certs/${certId}`, { headers: { accept: 'text/html' } });
    assert.equal(html.status, 200);
    const page = await html.text();
    responses.push(page);
    assert.match(page, /Valid: the signature verifies/);
    const res = await fetch(`${base}/certs/${certId}`, { headers: { accept: 'application/json' } });
    const text = await res.text();
    responses.push(text);
    const doc = JSON.parse(text) as {
      verification: { ok: boolean };
      jws: string;
      payload: { target: { vault: string; secret: string; version: string }; preset: { id: string } };
    };
    assert.equal(doc.verification.ok, true);
    assert.deepEqual(doc.payload.target, {
      vault: 'kv-prod',
      secret: 'db-password',
      version: fake.secretWrites()[0]!.version,
    });
    assert.equal(doc.payload.preset.id, 'pci');
    jws = doc.jws;
    const card = (await command(`/certify cert ${certId}`, RILEY)) as EvidenceView;
    assert.equal(card.badge, 'VALID', card.text);
    assert.ok(card.facts.some((f) => f.label === 'Target' && f.value.startsWith('kv-prod/db-password@')));
    const unknown = await command('/certify cert cert-aaaaaaaaaaaaaaaaaaaaaaaaaa', RILEY);
    assert.match(JSON.stringify(unknown), /There is no certificate cert-a+/);
    const missing = await fetch(`${base}/certs/cert-aaaaaaaaaaaaaaaaaaaaaaaaaa?format=json`);
    assert.equal(missing.status, 404);
    await missing.text();
  });

  it('certify cert verify accepts it (with the credential), and rejects every tampered copy with the reason', async () => {
    const ok = await runCli(['cert', 'verify', `${base}/certs/${certId}`, '--credential-stdin'], {
      dataDir,
      stdin: `${credential}\n`,
    });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /VALID: the credential matches the commitment/);

    const wrong = await runCli(['cert', 'verify', `${base}/certs/${certId}`, '--credential-stdin'], {
      dataDir,
      stdin: 'not-the-credential',
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /FAIL {2}credential does not match the commitment/);

    const dir = mkdtempSync(join(tmpdir(), 'certify-certs-'));
    const [h, p, s] = jws.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(wiring.signer.jwks()));
    const check = async (name: string, content: string, extra: string[] = []) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return runCli(['cert', 'verify', file, '--jwks', jwksFile, ...extra], { dataDir });
    };
    const good = await check('good.jws', jws, ['--target', 'kv-prod/db-password']);
    assert.equal(good.code, 0, good.stdout);

    // Tampered: more entropy claimed, old signature kept.
    const tampered = await check(
      'tampered.jws',
      `${h}.${b64url(JSON.stringify({ ...payload, entropyBits: 128 }))}.${s}`,
    );
    assert.equal(tampered.code, 1);
    assert.match(tampered.stdout, /signature does not verify/);

    // Re-signed with another key (claiming the same kid).
    const other = signerFromKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const forged = await check(
      'forged.jws',
      await signCompact({ ...other, kid: wiring.signer.kid }, payload, { typ: 'certify-provenance+jwt' }),
    );
    assert.equal(forged.code, 1);
    assert.match(forged.stdout, /signature does not verify/);
    const foreign = await check(
      'foreign.jws',
      await signCompact(other, payload, { typ: 'certify-provenance+jwt' }),
    );
    assert.equal(foreign.code, 1);
    assert.match(foreign.stdout, /unknown key/);

    // Retargeted: the genuine certificate shown for another secret.
    const retargeted = await check('good2.jws', jws, ['--target', 'kv-prod/other']);
    assert.equal(retargeted.code, 1);
    assert.match(retargeted.stdout, /target is kv-prod\/db-password.* but the secret is kv-prod\/other/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the next scan sees the tags and the rotation event; the audit log has every step', async () => {
    const { inventory: inv, result } = await scan(openPorts(dataDir, 50), azureSourceFromEnv(env), {
      now: NOW + 60_000,
      save: false,
    });
    void result;
    const s = inv.secrets.find((x) => x.name === 'db-password');
    assert.ok(
      s,
      `no db-password in ${JSON.stringify(inv.secrets.map((x) => x.id))} ${JSON.stringify(inv.vaults.map((v) => [v.name, v.accessError]))}`,
    );
    assert.equal(s.tags[PROVENANCE_TAG], certId);
    const actions = (await wiring.audit.entries()).map((e) => e.action);
    for (const a of [
      'rotation.requested',
      'rotation.approve.refused',
      'rotation.approved',
      'credential.rotated',
    ]) {
      assert.ok(actions.includes(a), `${a} missing: ${actions.join(', ')}`);
    }
  });

  it('the credential is in no log, card, HTTP answer, stored file or audit entry', () => {
    assert.ok(credential && credential.length === 16);
    const haystacks: [string, string][] = [
      ['service log', logs.join('\n')],
      ['HTTP answers and cards', responses.join('\n')],
      ['fake cloud request log', JSON.stringify(fake.requests)],
    ];
    for (const file of files(dataDir)) {
      const raw = readFileSync(file);
      haystacks.push([
        file,
        file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('latin1'),
      ]);
    }
    const forms = [
      credential,
      Buffer.from(credential).toString('base64'),
      Buffer.from(credential).toString('base64url'),
      Buffer.from(credential).toString('hex'),
    ];
    for (const [where, text] of haystacks) {
      for (const form of forms)
        assert.ok(
          !text.includes(form),
          `the credential (${form === credential ? 'plain' : 'encoded'}) appears in ${where}`,
        );
    }
  });
});
