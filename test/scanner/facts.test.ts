import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { addCalendarMonths, toMs } from '../../base/time.js';
import { addMonthsMs } from '../../scanner/rules/calendar.js';
import {
  assetFacts,
  ENABLED,
  MANAGED,
  NO_EXPIRY,
  splitByVault,
  timesOf,
  vaultsWithKeys,
  type VaultAsset,
} from '../../scanner/rules/facts.js';
import { subsetNarrower } from '../../scanner/scan.js';
import type { Inventory, Key, Secret } from '../../scanner/inventory/types.js';

describe('toMs', () => {
  it('gives what Date.parse gives, for the common shape parsed by hand and any other form', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const forms: string[] = [];
    for (let i = 0; i < 5000; i++) {
      // 1600–2400, so leap centuries and the days before 1970 are covered.
      const t = Date.UTC(1600, 0, 1) + (next() / 2 ** 31) * 800 * 365.2425 * 86_400_000;
      const iso = new Date(Math.floor(t)).toISOString();
      forms.push(iso, iso.replace(/\.\d+Z$/, 'Z'));
    }
    forms.push(
      '2024-02-29T23:59:59Z',
      '2000-02-29T00:00:00.999Z',
      '2026-02-29T00:00:00Z', // no such day: toMs asks Date.parse, which rolls it into March
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-02T24:00:00Z',
      '2026-01-02T00:00:00.5Z',
      '2026-01-02T00:00:00.12345Z',
      '2026-01-02T00:00:00+02:00',
      '0050-06-01T00:00:00Z', // Date.UTC would read year 50 as 1950
      '0100-03-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2026-0a-02T00:00:00Z',
      '2026-01-02T00:00:0xZ',
      '2026-01-02T00:00:00.x00Z',
      '2026x01x02T00x00x00Z',
      '',
      'not a time',
    );
    for (const form of forms) assert.ok(Object.is(toMs(form), Date.parse(form)), form);
    assert.equal(toMs('0050-06-01T00:00:00Z'), new Date('0050-06-01T00:00:00Z').getTime());
  });

  it('timesOf falls back to toMs for every other form', () => {
    const list = [
      { at: '2026-02-30T00:00:00Z' },
      { at: '2026-01-02T00:00:00+02:00' },
      { at: '0050-06-01T00:00:00Z' },
      { at: null },
      { at: '2026-01-02T00:00:00.123Z' },
    ];
    const times = timesOf(list, 'at');
    list.forEach((e, i) => assert.ok(Object.is(times[i], toMs(e.at)), String(e.at)));
  });
});

function asset(vault: string, name: string, over: Partial<VaultAsset> = {}): VaultAsset {
  return {
    id: `https://${vault}.vault.azure.net/secrets/${name}`,
    vault,
    enabled: true,
    managed: false,
    created: '2026-01-01T00:00:00Z',
    expires: '2027-01-01T00:00:00Z',
    ...over,
  };
}

describe('assetFacts', () => {
  const list = [
    asset('kv-a', 'one'),
    asset('kv-a', 'two', { enabled: false }),
    asset('kv-b', 'three', { managed: true, expires: null }),
    asset('KV-A', 'four', { created: '2026-01-01T00:00:00+01:00' }),
    asset('kv-a', 'five'),
  ];

  it('flags, ids and vault positions per asset, with both times parsed in the same pass', () => {
    const facts = assetFacts(list);
    assert.deepEqual([...facts.flags], [ENABLED, 0, ENABLED | MANAGED | NO_EXPIRY, ENABLED, ENABLED]);
    assert.deepEqual(
      facts.ids,
      list.map((a) => a.id),
    );
    // Names as written: the case is the caller's to fold.
    assert.deepEqual(facts.vaults, ['kv-a', 'kv-b', 'KV-A']);
    assert.deepEqual([...facts.vault], [0, 0, 1, 2, 0]);
    assert.equal(assetFacts(list), facts, 'cached per array');
    assert.deepEqual(
      [...timesOf(list, 'created')],
      list.map((a) => toMs(a.created)),
    );
    assert.deepEqual(
      [...timesOf(list, 'expires')].map((t) => (Number.isNaN(t) ? null : t)),
      list.map((a) => (a.expires === null ? null : toMs(a.expires))),
    );
  });

  it('a split by vault carries the facts of its elements over', () => {
    const [held, rest] = splitByVault(list, (vault) => vault !== 'kv-b');
    assert.deepEqual(held, [list[0], list[1], list[3], list[4]]);
    assert.deepEqual(rest, [list[2]]);
    const facts = assetFacts(held);
    assert.deepEqual([...facts.flags], [ENABLED, 0, ENABLED, ENABLED]);
    assert.deepEqual(
      facts.ids,
      held.map((a) => a.id),
    );
    assert.deepEqual(
      [...facts.vault].map((v) => facts.vaults[v]),
      ['kv-a', 'kv-a', 'KV-A', 'kv-a'],
    );
    assert.deepEqual([...assetFacts(rest).flags], [ENABLED | MANAGED | NO_EXPIRY]);
  });
});

describe('subsetNarrower', () => {
  const vault = (name: string, rbacAuthorization: boolean) =>
    ({ name, rbacAuthorization }) as Inventory['vaults'][number];
  const secrets = [
    asset('kv-a', 's1'),
    asset('kv-b', 's2'),
    asset('KV-A', 's3'),
    asset('kv-c', 's4'),
    asset('kv-a', 's5'),
  ];
  const keys = [asset('kv-b', 'k1', { managed: true }), asset('kv-a', 'k2'), asset('kv-b', 'k3')];
  const inv = {
    vaults: [vault('kv-a', true), vault('kv-b', false)],
    secrets: secrets as unknown as Secret[],
    keys: keys as unknown as Key[],
  } as Inventory;

  it('splits a section by the RBAC of each asset’s vault, in inventory order', () => {
    const narrow = subsetNarrower(inv);
    const ids = (list: readonly { id: string }[]) => list.map((a) => a.id);
    // A vault named in another case resolves through its lowercase name; an unknown vault has no RBAC.
    assert.deepEqual(
      ids(narrow({ section: 'secrets', vaultRbac: true }).secrets),
      ids([secrets[0]!, secrets[2]!, secrets[4]!]),
    );
    assert.deepEqual(
      ids(narrow({ section: 'secrets', vaultRbac: false }).secrets),
      ids([secrets[1]!, secrets[3]!]),
    );
    assert.deepEqual(ids(narrow({ section: 'keys', vaultRbac: false }).keys), ids([keys[0]!, keys[2]!]));
    const withRbac = narrow({ section: 'keys', vaultRbac: true });
    assert.deepEqual(ids(withRbac.keys), ids([keys[1]!]));
    assert.equal(withRbac.secrets, inv.secrets, 'the other sections are the inventory’s own');
    assert.deepEqual([...assetFacts(withRbac.keys).flags], [ENABLED]);
    assert.equal(
      subsetNarrower(inv)({ section: 'keys', vaultRbac: true }),
      withRbac,
      'narrowed once per inventory',
    );
  });

  it('vaultsWithKeys lowercases the vaults of non-managed keys', () => {
    assert.deepEqual([...vaultsWithKeys(inv)].sort(), ['kv-a', 'kv-b']);
  });
});

describe('addMonthsMs', () => {
  it('gives what addCalendarMonths gives', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const starts = [
      Date.UTC(2024, 0, 31),
      Date.UTC(2024, 1, 29, 12),
      Date.UTC(2023, 7, 31, 23, 59, 59, 999),
      Date.UTC(1969, 11, 31, 23),
      Date.UTC(100, 0, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(50, 0, 1), // Date.UTC's year 50 is 1950
      new Date('0050-06-15T00:00:00Z').getTime(),
      -8.64e15,
      Number.NaN,
    ];
    for (let i = 0; i < 3000; i++)
      starts.push(Date.UTC(1600, 0, 1) + Math.floor((next() / 2 ** 31) * 800 * 365 * 86_400_000));
    for (const from of starts) {
      for (const months of [0, 1, 6, 12, 13, 24, 39, -1, -13, 120, 1.5]) {
        assert.ok(
          Object.is(addMonthsMs(from, months), addCalendarMonths(from, months)),
          `${from} + ${months}`,
        );
      }
    }
  });
});
