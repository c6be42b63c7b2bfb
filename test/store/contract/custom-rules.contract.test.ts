/**
 * The CustomRuleStore port (store/custom-rules.ts), held to one behaviour over every kind of
 * store: the embedded store's tests (test/store/store.test.ts) as far as they are behaviour, and
 * what replicas creating and changing rules at once must see.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { CertifyError } from '../../../base/errors.js';
import type { CustomRuleDef } from '../../../scanner/rules/custom-types.js';
import { createCustomRuleStore } from '../../../store/custom-rules.js';
import { createPgCustomRuleStore } from '../../../store/pg/custom-rules.js';
import { isCode, ruleInput, STUB_BUILTIN_IDS, validateStubRule } from '../../support/store-fixtures.js';
import { byKind, STORE_KINDS } from './harness.js';

const openRules = byKind({
  embedded: (dir) => createCustomRuleStore(dir, { builtinIds: STUB_BUILTIN_IDS, validate: validateStubRule }),
  postgres: (pool) =>
    createPgCustomRuleStore(pool, { builtinIds: STUB_BUILTIN_IDS, validate: validateStubRule }),
});

describe.each(STORE_KINDS)('custom rule store ($name)', (kind) => {
  it('creates, reads, updates, toggles and removes rules, and another replica sees them', async () => {
    const [a, b] = await kind.open(2);
    const store = openRules(a!);
    assert.deepEqual(await store.list(), []);

    const created = await store.create(ruleInput('EXPIRY_30'));
    assert.equal(created.weight, 3, 'defaults come from the validator');
    await store.create(ruleInput('NO_OWNER', { severity: 'Low' }));
    assert.deepEqual(
      (await store.list()).map((r) => r.id),
      ['EXPIRY_30', 'NO_OWNER'],
    );
    assert.deepEqual(await store.get('EXPIRY_30'), created);
    assert.equal(await store.get('expiry_30'), null, 'ids are case-sensitive');
    assert.equal(await store.get('NOPE'), null);

    const updated = await store.update('EXPIRY_30', {
      name: 'Expires within 14 days',
      condition: { value: 14 },
    });
    assert.equal(updated.name, 'Expires within 14 days');
    assert.deepEqual(updated.condition, {
      operator: 'less_than',
      asset_field: 'expires_within_days',
      asset_scope: 'secrets',
      value: 14,
    });
    assert.equal(updated.severity, 'High', 'fields not in the patch are kept');
    assert.deepEqual(await store.get('EXPIRY_30'), updated);

    assert.equal((await store.setEnabled('NO_OWNER', false)).enabled, false);
    assert.equal((await store.get('NO_OWNER'))?.enabled, false);
    assert.equal((await store.setEnabled('NO_OWNER', true)).enabled, true);

    const removed = await store.remove('NO_OWNER');
    assert.equal(removed.id, 'NO_OWNER');
    assert.deepEqual(
      (await store.list()).map((r) => r.id),
      ['EXPIRY_30'],
    );

    assert.deepEqual(await openRules(b!).list(), [updated]);
  });

  it('lists in creation order, whatever the ids and however often rules change', async () => {
    const [replica] = await kind.open();
    const store = openRules(replica!);
    for (const id of ['ZULU', 'ALPHA', 'MIKE']) await store.create(ruleInput(id));
    await store.update('ZULU', { name: 'changed' });
    await store.setEnabled('ALPHA', false);
    await store.remove('ALPHA');
    await store.create(ruleInput('ALPHA'));
    assert.deepEqual(
      (await store.list()).map((r) => r.id),
      ['ZULU', 'MIKE', 'ALPHA'],
    );
  });

  it('hands out copies', async () => {
    const [replica] = await kind.open();
    const store = openRules(replica!);
    const created = await store.create(ruleInput('COPY'));
    created.name = 'changed by the caller';
    const listed = await store.list();
    (listed[0] as CustomRuleDef).name = 'changed';
    (listed[0] as CustomRuleDef).condition.value = 1;
    const got = await store.get('COPY');
    assert.equal(got?.name, 'rule COPY');
    assert.equal(got?.condition.value, 30);
  });

  it('refuses to create, change, toggle or remove a built-in rule (READ_ONLY_RULE)', async () => {
    const [replica] = await kind.open();
    const store = openRules(replica!);
    const message = 'P001 is a built-in rule and cannot be changed; create a custom rule with its own id';
    await assert.rejects(store.create(ruleInput('P001')), isCode('READ_ONLY_RULE'));
    await assert.rejects(store.create({ id: 'P001' }), (e: CertifyError) => e.message === message);
    await assert.rejects(store.create(ruleInput('p001')), (e: CertifyError) => e.message === message);
    await assert.rejects(store.update('P001', { name: 'x' }), (e: CertifyError) => e.message === message);
    await assert.rejects(
      store.setEnabled('K006', false),
      isCode('READ_ONLY_RULE', /^K006 is a built-in rule/),
    );
    await assert.rejects(store.remove('P001'), isCode('READ_ONLY_RULE'));
    assert.deepEqual(await store.list(), []);
  });

  it('refuses an id that exists, or differs from one only by case (DUPLICATE_RULE)', async () => {
    const [replica] = await kind.open();
    const store = openRules(replica!);
    await store.create(ruleInput('DUP'));
    await assert.rejects(store.create(ruleInput('DUP')), (e: CertifyError) => {
      isCode('DUPLICATE_RULE', /^a custom rule with id DUP already exists$/)(e);
      assert.equal(e.hint, 'pick another id, or update DUP instead');
      return true;
    });
    await assert.rejects(
      store.create(ruleInput('Dup')),
      isCode('DUPLICATE_RULE', /^Dup differs from the existing custom rule DUP only by case$/),
    );
    assert.equal((await store.list()).length, 1);
  });

  it('refuses an unknown id, naming the known ones (UNKNOWN_RULE)', async () => {
    const [replica] = await kind.open();
    const store = openRules(replica!);
    await assert.rejects(store.remove('NOPE'), (e: CertifyError) => {
      isCode('UNKNOWN_RULE', /^there is no custom rule NOPE$/)(e);
      assert.equal(e.hint, 'there are no custom rules yet');
      return true;
    });
    await store.create(ruleInput('ALPHA'));
    await store.create(ruleInput('BETA'));
    await assert.rejects(store.update('GAMMA', { name: 'x' }), (e: CertifyError) => {
      isCode('UNKNOWN_RULE')(e);
      assert.equal(e.hint, 'custom rule ids: ALPHA, BETA');
      return true;
    });
    await assert.rejects(store.setEnabled('alpha', false), (e: CertifyError) => {
      isCode('UNKNOWN_RULE')(e);
      assert.equal(e.hint, 'ids are case-sensitive: did you mean ALPHA? custom rule ids: ALPHA, BETA');
      return true;
    });
    for (let i = 0; i < 20; i++) await store.create(ruleInput(`R${String(i).padStart(2, '0')}`));
    await assert.rejects(store.remove('NOPE'), (e: CertifyError) => {
      isCode('UNKNOWN_RULE')(e);
      assert.match(e.hint ?? '', /^custom rule ids: ALPHA, BETA, R00, .*, R17, …$/);
      return true;
    });
  });

  it('refuses invalid rules and changes with the problems (INVALID_CUSTOM_RULE), changing nothing', async () => {
    const [replica] = await kind.open();
    const store = openRules(replica!);
    await assert.rejects(store.create({ id: 'BAD', severity: 'Huge' }), (e: CertifyError) => {
      isCode('INVALID_CUSTOM_RULE', /^the custom rule is invalid$/)(e);
      assert.deepEqual(e.problems, ['name: missing', 'severity: not allowed', 'condition: missing']);
      assert.equal(e.exitCode, 2);
      return true;
    });
    await assert.rejects(store.create('nope'), isCode('INVALID_CUSTOM_RULE'));

    await store.create(ruleInput('GOOD'));
    const before = await store.get('GOOD');
    await assert.rejects(store.update('GOOD', { severity: 'Huge' }), (e: CertifyError) => {
      isCode('INVALID_CUSTOM_RULE', /^custom rule GOOD is invalid$/)(e);
      assert.deepEqual(e.problems, ['severity: not allowed']);
      return true;
    });
    await assert.rejects(store.update('GOOD', { id: 'OTHER' }), (e: CertifyError) => {
      isCode('INVALID_CUSTOM_RULE')(e);
      assert.match(e.problems[0] ?? '', /^id: cannot be changed/);
      return true;
    });
    await assert.rejects(store.update('GOOD', ['name']), isCode('INVALID_CUSTOM_RULE'));
    await assert.rejects(store.update('GOOD', null), isCode('INVALID_CUSTOM_RULE'));
    assert.deepEqual(await store.update('GOOD', { id: 'GOOD' }), before, 'the same id is no change');
    assert.deepEqual(await store.get('GOOD'), before, 'nothing changed');
    assert.deepEqual(await store.list(), [before]);
  });

  it('keeps all 12 rules that 12 replicas create at once', async () => {
    const replicas = await kind.open(12);
    const ids = replicas.map((_, i) => `RULE_${String(i).padStart(2, '0')}`);
    await Promise.all(replicas.map((r, i) => openRules(r).create(ruleInput(ids[i]!))));
    const lists = await Promise.all(replicas.map((r) => openRules(r).list()));
    assert.deepEqual([...lists[0]!.map((r) => r.id)].sort(), ids);
    for (const list of lists) assert.deepEqual(list, lists[0], 'every replica sees one list, in one order');
  });

  it('lets exactly one of two replicas create one id at once, in any case', async () => {
    const [a, b] = await kind.open(2);
    for (const [first, second] of [
      ['TWICE', 'TWICE'],
      ['CASED', 'Cased'],
    ] as const) {
      const outcomes = await Promise.allSettled([
        openRules(a!).create(ruleInput(first, { name: 'from a' })),
        openRules(b!).create(ruleInput(second, { name: 'from b' })),
      ]);
      const made = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(made.length, 1, `${first}/${second}: exactly one is created`);
      assert.equal(refused.length, 1);
      isCode('DUPLICATE_RULE')(refused[0]!.reason);
      const listed = (await openRules(b!).list()).filter((r) => r.id.toUpperCase() === first);
      assert.deepEqual(listed, [made[0]!.value]);
    }
  });

  it('merges two replicas’ changes to one rule in turn, losing neither', async () => {
    const [a, b] = await kind.open(2);
    await openRules(a!).create(ruleInput('SHARED'));
    await Promise.all([
      openRules(a!).update('SHARED', { name: 'renamed' }),
      openRules(b!).update('SHARED', { severity: 'Low', condition: { value: 7 } }),
      openRules(b!).setEnabled('SHARED', false),
    ]);
    const rule = await openRules(a!).get('SHARED');
    assert.equal(rule?.name, 'renamed');
    assert.equal(rule?.severity, 'Low');
    assert.equal(rule?.condition.value, 7);
    assert.equal(rule?.condition.operator, 'less_than');
    assert.equal(rule?.enabled, false);
  });

  it('lets exactly one of two replicas remove a rule at once', async () => {
    const [a, b] = await kind.open(2);
    await openRules(a!).create(ruleInput('GONE'));
    const outcomes = await Promise.allSettled([openRules(a!).remove('GONE'), openRules(b!).remove('GONE')]);
    const removed = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(removed.length, 1);
    assert.equal(removed[0]!.value.id, 'GONE');
    isCode('UNKNOWN_RULE')(refused[0]!.reason);
    assert.equal((refused[0]!.reason as CertifyError).hint, 'there are no custom rules yet');
    assert.deepEqual(await openRules(b!).list(), []);
  });
});
