// The signatories of an adopted declaration (lazy chunk): the list in signing order, growing
// live from `signatures.updated`; "Sign for <organisation>" and "Sign for <network>" for the
// delegates who may speak for them while the list is open, withdrawal, and the organisers'
// close / reopen. A declaration is adopted by the assembly and endorsed by these signatories;
// the panel never presents the forum as its author.
import { h, replace } from '../dom.js';
import { countryName, formatDateTime, t, tp } from '../i18n.js';
import { actionButton } from './common.js';

/** A message whose {placeholders} are isolated (<bdi>), so names keep their direction in any script. */
function isolated(key, vars) {
  const marks = Object.fromEntries(Object.keys(vars).map((k, i) => [k, `\u0001${i}\u0001`]));
  return t(key, marks).split('\u0001').map((part, i) => (i % 2 ? h('bdi', null, Object.values(vars)[Number(part)]) : part));
}

/**
 * createSignatures({app, declId, forum (forum.get reply), liveNote}) → {el, load, destroy}
 */
export function createSignatures({ app, declId, forum, liveNote }) {
  const orgs = new Map((forum?.organisations || []).map((o) => [o.id, o]));
  const nets = new Map((forum?.networks || []).map((n) => [n.id, n]));
  let list = null; // signature_list
  const stateEl = h('p', { class: 'sign-state' });
  const countEl = h('p', { class: 'count', id: 'sign-count' });
  const listEl = h('ol', { class: 'signatories', id: 'signatories', 'aria-labelledby': 'sign-h' });
  const actionsEl = h('div', { class: 'actions sign-actions' });
  const el = h('section', { class: 'card signatures', id: 'signatures', 'aria-labelledby': 'sign-h' },
    h('h2', { id: 'sign-h' }, t('sign.title')),
    h('p', { class: 'hint' }, t('sign.attribution')),
    stateEl, countEl, listEl, actionsEl);

  const key = (kind, id) => `${kind}:${id}`;
  const signed = (kind, id) => (list?.signatures || []).some((s) => s.kind === kind && s.id === id);
  const me = () => app.me;
  const isOrganiser = () => app.accredited && app.hasRole('organiser');
  // The signers this person may speak for: their organisation, and its networks.
  function mySigners() {
    const m = me();
    if (!m || !app.accredited || !app.hasRole('delegate') || !m.organisation) return [];
    const org = orgs.get(m.organisation);
    const out = [{ kind: 'organisation', id: m.organisation, name: org?.name || '' }];
    for (const n of org?.networks || []) out.push({ kind: 'network', id: n, name: nets.get(n)?.name || '' });
    return out;
  }

  function item(s) {
    const network = s.kind === 'network';
    const remove = isOrganiser() && list?.state === 'open' && !mySigners().some((x) => key(x.kind, x.id) === key(s.kind, s.id))
      ? actionButton(t('sign.remove'), () => withdraw(s), app, { class: 'link-button', 'aria-label': t('sign.removeNamed', { name: s.name }) })
      : null;
    return h('li', { class: 'signatory', dataset: { kind: s.kind, signer: s.id } },
      h('span', { class: 'signatory-name', dir: 'auto' }, s.name),
      network ? h('span', { class: 'badge' }, t('sign.network')) : (s.country && h('span', { class: 'signatory-country' }, ` (${countryName(s.country)})`)),
      h('span', { class: 'signatory-by hint' }, ' — ', isolated('sign.signedBy', {
        name: s.signed_by_name, when: formatDateTime(s.at, { dateStyle: 'medium', timeStyle: 'short' }),
      })),
      remove);
  }

  function render() {
    if (!list) return;
    replace(stateEl, h('span', { class: `badge sign-${list.state}` }, t(`sign.state.${list.state}`)),
      list.state === 'closed' && list.closed_at ? ` ${t('sign.closedAt', { when: formatDateTime(list.closed_at, { dateStyle: 'medium', timeStyle: 'short' }) })}` : '');
    replace(countEl, tp('sign.count', list.signatures.length));
    replace(listEl, list.signatures.map(item));
    listEl.hidden = !list.signatures.length;
    const buttons = [];
    if (list.state === 'open') {
      for (const s of mySigners()) {
        if (signed(s.kind, s.id)) {
          buttons.push(actionButton(t(s.kind === 'network' ? 'sign.withdrawNetwork' : 'sign.withdrawOrg', { name: s.name }), () => withdraw(s), app,
            { class: 'secondary', dataset: { act: 'withdraw', kind: s.kind, signer: s.id } }));
        } else {
          buttons.push(actionButton(t(s.kind === 'network' ? 'sign.forNetwork' : 'sign.forOrg', { name: s.name }), () => add(s), app,
            { class: s.kind === 'network' ? 'secondary' : 'primary', dataset: { act: 'sign', kind: s.kind, signer: s.id } }));
        }
      }
      if (isOrganiser()) buttons.push(actionButton(t('sign.close'), () => setState('signature.close'), app, { class: 'danger-outline', dataset: { act: 'close' } }));
    } else if (list.state === 'closed' && isOrganiser()) {
      buttons.push(actionButton(t('sign.reopen'), () => setState('signature.reopen'), app, { class: 'secondary', dataset: { act: 'reopen' } }));
    }
    if (list.state === 'open' && !buttons.length && me() && app.hasRole('observer') && !app.hasRole('delegate')) {
      buttons.push(h('p', { class: 'hint' }, t('sign.observers')));
    }
    replace(actionsEl, buttons);
  }

  const announce = (text) => { if (liveNote) replace(liveNote, text); };

  async function add(s) {
    try {
      const r = await app.request('signature.add', { declaration: declId, [s.kind]: s.id });
      apply('signed', r.signature, 'open');
    } catch (err) {
      if (err?.code === 'conflict') { app.error(t('sign.already', { name: s.name })); await load(); return; }
      if (err?.code === 'invalid_state') { app.error(t('sign.notOpen')); await load(); return; }
      throw err;
    }
  }
  async function withdraw(s) {
    const r = await app.request('signature.withdraw', { declaration: declId, [s.kind]: s.id });
    apply('withdrawn', r.signature, 'open');
  }
  async function setState(type) {
    const r = await app.request(type, { declaration: declId });
    const was = list?.state;
    list = r.list;
    render();
    if (was !== list.state) announce(t(list.state === 'closed' ? 'sign.announceClosed' : 'sign.announceReopened'));
    actionsEl.querySelector('button')?.focus();
  }

  // A change from a reply or a push; applying the same change twice changes nothing.
  function apply(change, signature, state) {
    if (!list) return;
    const before = list.state;
    list.state = state || list.state;
    if (change === 'signed' && signature && !signed(signature.kind, signature.id)) {
      list.signatures = [...list.signatures, signature].sort((a, b) => a.seq - b.seq);
      announce(t('sign.announceSigned', { name: signature.name }));
    } else if (change === 'withdrawn' && signature && signed(signature.kind, signature.id)) {
      list.signatures = list.signatures.filter((x) => key(x.kind, x.id) !== key(signature.kind, signature.id));
      announce(t('sign.announceWithdrawn', { name: signature.name }));
    } else if ((change === 'closed' || change === 'reopened') && before !== list.state) {
      announce(t(change === 'closed' ? 'sign.announceClosed' : 'sign.announceReopened'));
      if (change === 'closed') list.closed_at = list.closed_at || new Date().toISOString();
    }
    render();
  }

  async function load() {
    const r = await app.request('signature.list', { declaration: declId });
    list = r.list;
    render();
  }

  const unsub = [
    app.socket.on('signatures.updated', (m) => {
      if (m.declaration !== declId) return;
      apply(m.change, m.signature, m.state);
      // The count is the server's: if ours differs, a change was missed; read the list again.
      if (list && Number.isInteger(m.count) && m.count !== list.signatures.length) load().catch((err) => app.error(err));
    }),
    app.socket.onResume(() => { load().catch((err) => app.error(err)); }),
    app.onChange(() => render()),
  ];

  return { el, load, destroy() { for (const u of unsub) u(); } };
}
