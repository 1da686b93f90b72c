// Forum home: my accreditation status, the plenary, the programme by time slot (parallel
// workshops side by side) and the declarations.
import { h, replace } from '../dom.js';
import { formatNumber, languageName, t, tl } from '../i18n.js';
import { formatRange, formatTime, heading, langList, loading, localized, sessionOrTimeout, statusBadge } from './common.js';

export async function render({ app, main, params, isCurrent }) {
  const forumId = params.forum || app.forumId;
  if (params.forum && params.forum !== app.forumId) app.setForum(params.forum);
  replace(main, heading(t('home.title')), loading());
  await sessionOrTimeout(app);
  if (!isCurrent()) return;
  const data = await app.forum(forumId, true);
  if (!isCurrent()) return;
  app.changed(); // header shows the forum name
  const forum = data.forum;
  const tz = forum.timezone;

  const statusBox = h('section', { class: 'card status-card', 'aria-labelledby': 'my-status' });
  function renderStatus() {
    const me = app.me;
    if (!me) {
      replace(statusBox, h('h2', { id: 'my-status' }, t('home.you')),
        h('p', null, t('home.notSignedIn'), ' ', h('a', { href: '#/join' }, t('nav.join'))));
      return;
    }
    replace(statusBox,
      h('h2', { id: 'my-status' }, t('home.you')),
      h('p', { class: 'me-line' }, h('strong', null, me.name), ' · ',
        (me.roles || []).map((r) => t(`role.${r}`)).join(', ')),
      h('p', { class: 'status-line', id: 'my-accreditation' }, t('home.accreditation'), ' ', statusBadge(me.status)),
      h('p', { class: 'hint' }, t(`home.statusHelp.${me.status}`)),
      me.status === 'rejected' && me.reason && h('p', null, t('home.reason'), ' ', me.reason));
  }
  renderStatus();
  const unsubMe = app.onChange(renderStatus);

  const plenary = h('section', { class: 'card', 'aria-labelledby': 'plenary-h' },
    h('h2', { id: 'plenary-h' }, t('home.plenary')),
    h('p', null, t('home.plenaryText')),
    data.plenary != null && h('p', null, h('a', { class: 'button-link', href: `#/room/${data.plenary}` }, t('home.goPlenary'))));

  const slots = (data.programme?.slots || []);
  const programme = h('section', { 'aria-labelledby': 'programme-h', class: 'programme' },
    h('h2', { id: 'programme-h' }, t('home.programme')),
    slots.length ? slots.map((slot) => h('section', { class: 'slot', 'aria-labelledby': `slot-${slot.id}` },
      h('h3', { id: `slot-${slot.id}` }, localized('span', slot.name)),
      h('p', { class: 'slot-time' }, formatRange(slot.starts, slot.ends, tz)),
      h('ul', { class: 'workshops', role: 'list' }, (slot.workshops || []).map((w) => workshopCard(w)))))
      : h('p', null, t('home.noProgramme')));

  function workshopCard(w) {
    return h('li', { class: 'workshop card' },
      h('h4', null, localized('span', w.title)),
      h('dl', { class: 'facts' },
        w.location && [h('dt', null, t('workshop.room')), h('dd', null, tl(w.location))],
        h('dt', null, t('workshop.language')), h('dd', null, languageName(w.working_language)),
        h('dt', null, t('workshop.interpretation')),
        h('dd', null, (w.interpretation || []).length ? langList(w.interpretation) : t('workshop.noInterpretation')),
        w.capacity != null && [h('dt', null, t('workshop.capacity')), h('dd', null, formatNumber(w.capacity))]),
      w.room != null && h('a', { class: 'button-link', href: `#/workshop/${w.id}`, 'aria-label': t('workshop.enterNamed', { title: tl(w.title) }) }, t('workshop.enter')));
  }

  const declBox = h('section', { 'aria-labelledby': 'decl-h' }, h('h2', { id: 'decl-h' }, t('home.declarations')));
  const declList = h('div', null, app.me ? loading() : h('p', null, t('home.loginForDeclarations')));
  declBox.append(declList);

  replace(main,
    heading(tl(forum.name), 1, { dir: 'auto' }),
    h('p', { class: 'lead' }, formatTime(forum.starts, { day: 'numeric', month: 'long', year: 'numeric' }, tz), ' – ',
      formatTime(forum.ends, { day: 'numeric', month: 'long', year: 'numeric' }, tz)),
    h('div', { class: 'two-col' }, statusBox, plenary),
    programme,
    declBox);

  if (app.me) {
    app.request('declaration.list', { forum: forumId }).then((r) => {
      const list = r.declarations || [];
      replace(declList, list.length
        ? h('ul', { class: 'plain-list' }, list.map((d) => h('li', null,
          h('a', { href: `#/declaration/${d.id}` }, localized('span', d.title)), ' ',
          d.phase && h('span', { class: 'badge' }, t(`phase.${d.phase}`)))))
        : h('p', null, t('home.noDeclarations')));
    }).catch((err) => { replace(declList); app.error(err); });
  }

  return () => unsubMe();
}
