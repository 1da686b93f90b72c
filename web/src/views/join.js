// Join: choose the forum, then log in with a badge code, with email and password, or register.
import { CONSTITUENCIES } from '../app.js';
import { h, newId, replace } from '../dom.js';
import { countryName, languageName, t, tl } from '../i18n.js';
import { field, heading, input, select, textarea } from './common.js';
import { COMMON_LANGS, COUNTRIES, REGION_VALUES, REGIONS } from './countries.js';

export async function render({ app, main, isCurrent }) {
  const forumBox = h('div', { class: 'forum-choice' }, h('p', { class: 'loading' }, t('ui.loading')));
  const methods = h('div');
  replace(main,
    heading(t('join.title')),
    h('p', { class: 'lead' }, t('join.intro')),
    app.me && h('p', { class: 'notice-box' }, t('join.already', { name: app.me.name }), ' ',
      h('a', { href: `#/forum/${app.me.forum}` }, t('join.goHome'))),
    forumBox,
    methods);

  let forums = [];
  try {
    forums = (await app.request('forum.list')).forums || [];
  } catch (err) {
    if (!isCurrent()) return;
    app.error(err);
  }
  if (!isCurrent()) return;
  if (!forums.length) {
    replace(forumBox, h('p', null, t('join.noForums')));
    return;
  }
  let forumId = forums.some((f) => f.id === app.forumId) ? app.forumId : forums[0].id;
  app.setForum(forumId);
  const forumSelect = select({
    name: 'forum',
    onchange: (e) => { forumId = Number(e.target.value); app.setForum(forumId); showMethod(current); },
  }, forums.map((f) => [f.id, tl(f.name), { selected: f.id === forumId }]));
  replace(forumBox, field(t('join.forum'), forumSelect));

  // The three ways in, one shown at a time.
  const panel = h('div', { class: 'join-panel' });
  const choices = ['code', 'password', 'register'];
  const buttons = choices.map((c) => h('button', {
    type: 'button', class: 'segment', 'aria-pressed': 'false', 'aria-controls': 'join-panel', dataset: { method: c },
    onclick: () => showMethod(c),
  }, t(`join.method.${c}`)));
  panel.id = 'join-panel';
  replace(methods,
    h('div', { class: 'segments', role: 'group', 'aria-label': t('join.how') }, buttons),
    panel);

  let current = 'code';
  function showMethod(c) {
    current = c;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.method === c));
    const form = c === 'code' ? codeForm() : c === 'password' ? passwordForm() : registerForm();
    replace(panel, form);
  }

  async function signIn(type, fields, form) {
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    app.clearError();
    try {
      const reply = await app.request(type, { forum: forumId, ...fields });
      app.signedIn(reply);
      app.forumCache.delete(forumId);
      location.hash = `#/forum/${forumId}`;
    } catch (err) {
      app.error(err);
    } finally {
      submit.disabled = false;
    }
  }

  function codeForm() {
    const form = h('form', { class: 'stack', novalidate: true },
      h('h2', null, t('join.method.code')),
      field(t('join.code'), input({ name: 'code', required: true, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' }), t('join.codeHint')),
      h('button', { type: 'submit', class: 'primary' }, t('action.login')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const code = form.elements.code.value.trim().toUpperCase();
      if (!code) { app.error(t('join.codeMissing')); form.elements.code.focus(); return; }
      signIn('login', { code }, form);
    });
    return form;
  }

  function passwordForm() {
    const form = h('form', { class: 'stack', novalidate: true },
      h('h2', null, t('join.method.password')),
      field(t('join.email'), input({ name: 'email', type: 'email', required: true, autocomplete: 'username' })),
      field(t('join.password'), input({ name: 'password', type: 'password', required: true, autocomplete: 'current-password' })),
      h('button', { type: 'submit', class: 'primary' }, t('action.login')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const email = form.elements.email.value.trim();
      const password = form.elements.password.value;
      if (!email || !password) { app.error(t('join.fillBoth')); return; }
      signIn('login', { email, password }, form);
    });
    return form;
  }

  function registerForm() {
    const orgSelect = h('select', { name: 'organisation', required: true, id: newId('org') },
      h('option', { value: '' }, t('ui.loading')));
    const newOrg = h('fieldset', { class: 'stack new-org', hidden: true },
      h('legend', null, t('register.newOrg')),
      field(t('register.orgName'), input({ name: 'orgName', autocomplete: 'organization' })),
      field(t('register.orgCountry'), countrySelect('orgCountry')),
      field(t('register.constituency'), select({ name: 'constituency' },
        [['', t('register.choose')], ...CONSTITUENCIES.map((c) => [c, t(`constituency.${c}`)])])));
    orgSelect.addEventListener('change', () => { newOrg.hidden = orgSelect.value !== 'new'; });
    app.forum(forumId).then((f) => {
      const orgs = [...(f.organisations || [])].sort((a, b) => String(a.name).localeCompare(String(b.name)));
      replace(orgSelect, h('option', { value: '' }, t('register.choose')),
        orgs.map((o) => h('option', { value: o.id }, `${o.name} (${countryName(o.country)})`)),
        h('option', { value: 'new' }, t('register.orgNew')));
      forumLangs = f.forum?.languages || [];
      replace(langBox, langChecks());
    }).catch((err) => app.error(err));

    let forumLangs = [];
    const langBox = h('div', { class: 'checks' });
    function langChecks() {
      const codes = [...new Set([...forumLangs, ...COMMON_LANGS])];
      return codes.map((c) => {
        const id = newId('lang');
        return h('div', { class: 'check' },
          h('input', { type: 'checkbox', id, name: 'languages', value: c }),
          h('label', { for: id }, languageName(c)));
      });
    }
    replace(langBox, langChecks());

    const orgLabelId = orgSelect.id;
    const form = h('form', { class: 'stack', novalidate: true },
      h('h2', null, t('join.method.register')),
      h('p', { class: 'hint' }, t('register.intro')),
      field(t('register.name'), input({ name: 'name', required: true, autocomplete: 'name' })),
      field(t('join.email'), input({ name: 'email', type: 'email', required: true, autocomplete: 'email' })),
      field(t('join.password'), input({ name: 'password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' }), t('register.passwordHint')),
      h('div', { class: 'field' }, h('label', { for: orgLabelId }, t('register.organisation')), orgSelect),
      newOrg,
      field(t('register.country'), countrySelect('country', true)),
      field(t('register.region'), select({ name: 'region' },
        [['', t('register.optional')], ...REGIONS.map((r) => [REGION_VALUES[r], t(`region.${r}`)])])),
      h('fieldset', { class: 'stack' }, h('legend', null, t('register.languages')), langBox),
      field(t('register.gender'), select({ name: 'gender' },
        [['', t('register.optional')], ['woman', t('gender.woman')], ['man', t('gender.man')], ['non_binary', t('gender.non_binary')]])),
      field(t('register.accessibility'), textarea({ name: 'accessibility', rows: 2 }), t('register.accessibilityHint')),
      h('button', { type: 'submit', class: 'primary' }, t('action.register')));

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const el = form.elements;
      const languages = [...form.querySelectorAll('input[name=languages]:checked')].map((x) => x.value);
      const problems = [];
      if (!el.name.value.trim()) problems.push(t('register.need.name'));
      if (!/^\S+@\S+\.\S+$/.test(el.email.value.trim())) problems.push(t('register.need.email'));
      if (el.password.value.length < 8) problems.push(t('register.need.password'));
      if (!orgSelect.value) problems.push(t('register.need.organisation'));
      if (orgSelect.value === 'new' && (!el.orgName.value.trim() || !el.orgCountry.value || !el.constituency.value)) problems.push(t('register.need.newOrg'));
      if (!el.country.value) problems.push(t('register.need.country'));
      if (!languages.length) problems.push(t('register.need.languages'));
      if (problems.length) { app.error(problems.join(' ')); return; }
      const fields = {
        name: el.name.value.trim(),
        email: el.email.value.trim(),
        password: el.password.value,
        organisation: orgSelect.value === 'new'
          ? { name: el.orgName.value.trim(), country: el.orgCountry.value, constituency: el.constituency.value }
          : Number(orgSelect.value),
        country: el.country.value,
        languages,
      };
      if (el.region.value) fields.region = el.region.value;
      if (el.gender.value) fields.gender = el.gender.value;
      if (el.accessibility.value.trim()) fields.accessibility = el.accessibility.value.trim();
      signIn('register', fields, form);
    });
    return form;
  }

  showMethod('code');
}

function countrySelect(name, required = false) {
  const opts = COUNTRIES.map((c) => [c, countryName(c)]).sort((a, b) => a[1].localeCompare(b[1]));
  return select({ name, required, autocomplete: 'country' }, [['', t('register.choose')], ...opts]);
}
