// The dashboard: signing in, then the nation or one branch over a date range.
// What is shown is in the address (`#branch=KZ-71&from=2026-10-01&to=2026-10-31&interval=week`),
// so a view can be bookmarked or shared; the data is kept in memory so that a
// language switch or a resized window redraws without asking the server again.

import { ApiError, download, get, login, logout, session, useToken } from './api.js';
import { barList, lineChart, progressBar } from './charts.js';
import { fill, h } from './dom.js';
import { LANGUAGES, date, lang, named, num, percent, setLang, t } from './i18n.js';

const main = document.getElementById('main');

// The charts: a title and the series (fields of the series points) drawn together,
// grouped so that the lines of one chart are of a similar size.
const CHARTS = [
  ['chart_door_to_door', ['doors_knocked', 'conversations', 'visits']],
  ['chart_people', ['volunteers_new', 'shifts_attended', 'meeting_attendance']],
  ['chart_activity', ['events_held', 'meetings_held', 'posters_placed', 'social_posts']],
  ['chart_materials', ['materials_handed_out']],
  ['chart_social_views', ['social_views']],
];

const BRANCH_COLUMNS = [
  ['volunteers_active', 'volunteers_active_short'],
  ['visits', 'visits'],
  ['doors_knocked', 'doors_knocked'],
  ['meetings_held', 'meetings_short'],
  ['posters_current', 'posters_short'],
  ['social_posts', 'posts_short'],
  ['share_reached', 'rural_short'],
];

let branches = new Map(); // code → branch, from the public list
let me = null; // the signed-in account
let view = null; // what the page shows: {state, summary, series, table, progress, errors}
let notice = ''; // a message for the sign-in form
let sort = { key: 'code', descending: false };
let loads = 0; // a newer load supersedes an older one still running

// ---------------------------------------------------------------- the address

function readState() {
  const params = new URLSearchParams(location.hash.slice(1));
  const day = (value) => (/^\d{4}-\d{2}-\d{2}$/.test(value || '') ? value : '');
  return {
    branch: params.get('branch') || null,
    from: day(params.get('from')),
    to: day(params.get('to')),
    interval: params.get('interval') === 'week' ? 'week' : 'day',
  };
}

function stateHash(state) {
  const params = new URLSearchParams();
  if (state.branch) params.set('branch', state.branch);
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.interval === 'week') params.set('interval', 'week');
  return `#${params}`;
}

function go(changes) {
  const next = stateHash({ ...readState(), ...changes });
  if (next === location.hash || (next === '#' && !location.hash)) load();
  else location.hash = next;
}

function query(state, { branch = true, interval = false } = {}) {
  const params = new URLSearchParams();
  if (branch && state.branch) params.set('branch', state.branch);
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (interval) params.set('interval', state.interval);
  const text = params.toString();
  return text ? `?${text}` : '';
}

// ---------------------------------------------------------------- the frame

function renderFrame() {
  document.title = `${t('title')} · outreach`;
  document.getElementById('title').textContent = t('title');
  fill(
    document.getElementById('langs'),
    LANGUAGES.map(([code, label]) =>
      h(
        'button',
        {
          type: 'button',
          class: code === lang() ? 'lang active' : 'lang',
          'aria-pressed': code === lang() ? 'true' : 'false',
          onclick: () => {
            setLang(code);
            render();
          },
        },
        label,
      ),
    ),
  );
  const signOut = document.getElementById('sign-out');
  signOut.textContent = t('sign_out');
  signOut.hidden = !session();
  document.getElementById('who').textContent = me && session() ? `${me.email} · ${t(`role_${me.role}`)}` : '';
}

function render() {
  renderFrame();
  if (!session()) renderSignIn();
  else if (view) renderDashboard();
}

// ---------------------------------------------------------------- signing in

function renderSignIn() {
  const message = h('p', { class: 'notice', id: 'sign-in-notice', role: 'alert' }, notice);
  const busy = (form, active) => {
    for (const control of form.elements) control.disabled = active;
  };
  const failed = (err, fallback) => {
    if (err instanceof ApiError && err.status === 429) return t('throttled', { s: err.retryAfter ?? 60 });
    if (err instanceof ApiError && (err.status === 401 || err.status === 422)) return t(fallback);
    return `${t('load_failed')}: ${err.message}`;
  };
  const passwordForm = h(
    'form',
    {
      id: 'sign-in-form',
      class: 'card sign-in',
      onsubmit: async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        busy(form, true);
        message.textContent = t('signing_in');
        try {
          const mustChange = await login(form.elements.email.value.trim(), form.elements.password.value);
          if (mustChange) {
            await logout();
            notice = t('must_change_password');
            render();
            return;
          }
          notice = '';
          await start();
        } catch (err) {
          message.textContent = failed(err, 'bad_credentials');
          busy(form, false);
        }
      },
    },
    h('h2', {}, t('sign_in')),
    h('p', { class: 'muted' }, t('sign_in_intro')),
    h('label', { for: 'email' }, t('email')),
    h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true }),
    h('label', { for: 'password' }, t('password')),
    h('input', {
      id: 'password',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    h('button', { type: 'submit', class: 'primary' }, t('sign_in')),
  );
  const tokenForm = h(
    'form',
    {
      id: 'token-form',
      class: 'card sign-in',
      onsubmit: async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        busy(form, true);
        try {
          await useToken(form.elements.token.value.trim());
          notice = '';
          await start();
        } catch (err) {
          message.textContent = failed(err, 'bad_token');
          busy(form, false);
        }
      },
    },
    h('p', { class: 'or' }, t('or')),
    h('label', { for: 'token' }, t('api_token')),
    h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true }),
    h('button', { type: 'submit' }, t('use_token')),
  );
  fill(main, h('div', { class: 'sign-in-wrap' }, message, passwordForm, tokenForm));
}

// ---------------------------------------------------------------- loading

async function start() {
  try {
    const [account, list] = await Promise.all([get('/api/v1/me'), get('/api/v1/branches?limit=200')]);
    me = account;
    branches = new Map(list.items.map((branch) => [branch.code, branch]));
  } catch (err) {
    signedOut(err);
    return;
  }
  await load();
}

// Loads what the address asks for; each part on its own, so one failure leaves the others shown.
async function load() {
  if (!session() || !me) return;
  const ticket = ++loads;
  const state = readState();
  if (state.branch && !branches.has(state.branch)) state.branch = null;
  fill(main, h('p', { class: 'muted loading' }, t('loading')));
  const parts = {
    summary: get(`/api/v1/reports/summary${query(state)}`),
    series: get(`/api/v1/reports/series${query(state, { interval: true })}`),
    ...(state.branch
      ? { progress: get(`/api/v1/progress/branches/${encodeURIComponent(state.branch)}`) }
      : { table: get(`/api/v1/reports/branches${query(state, { branch: false })}`) }),
  };
  const next = { state, errors: {} };
  await Promise.all(
    Object.entries(parts).map(([name, request]) =>
      request.then(
        (value) => {
          next[name] = value;
        },
        (err) => {
          next.errors[name] = err;
        },
      ),
    ),
  );
  if (ticket !== loads) return;
  const unauthorised = Object.values(next.errors).find((err) => err.status === 401);
  if (unauthorised) {
    signedOut(unauthorised);
    return;
  }
  view = next;
  render();
}

function signedOut(err) {
  if (err instanceof ApiError && err.status === 403 && err.code === 'must_change_password') {
    notice = t('must_change_password');
  } else if (err instanceof ApiError && err.status === 401) {
    notice = t('session_ended');
  } else {
    notice = `${t('load_failed')}: ${err.message}`;
  }
  logout();
  me = null;
  view = null;
  render();
}

// ---------------------------------------------------------------- the dashboard

function renderDashboard() {
  const { state, summary } = view;
  const branch = state.branch ? branches.get(state.branch) : null;
  const range = summary ? { from: summary.from, to: summary.to } : { from: state.from, to: state.to };
  fill(
    main,
    toolbar(state, range),
    h(
      'section',
      { class: 'headline' },
      h(
        'div',
        {},
        branch ? h('a', { href: stateHash({ ...state, branch: null }), class: 'back' }, t('back_to_nation')) : null,
        h('h2', { id: 'scope' }, branch ? named(branch.name) : t('nation')),
        summary ? h('p', { class: 'muted' }, t('period', { from: date(summary.from), to: date(summary.to) })) : null,
      ),
      summary ? countdown(summary) : null,
    ),
    section('totals', 'summary', () => cards(view.summary), csvButton('summary', state)),
    section('over_time', 'series', () => charts(view.series), csvButton('series', state, { interval: true })),
    section('events_by_kind', 'summary', () => breakdowns(view.summary)),
    state.branch
      ? section('localities', 'progress', () => localities(view.progress))
      : section('branches', 'table', () => branchTable(view.table), csvButton('branches', state, { branch: false })),
  );
}

function toolbar(state, range) {
  const select = h(
    'select',
    {
      id: 'branch-select',
      'aria-label': t('branch'),
      onchange: (event) => go({ branch: event.currentTarget.value || null }),
    },
    h('option', { value: '' }, t('nation')),
    [...branches.values()].map((branch) =>
      h('option', { value: branch.code, selected: branch.code === state.branch }, named(branch.name)),
    ),
  );
  return h(
    'form',
    {
      class: 'toolbar',
      id: 'range-form',
      onsubmit: (event) => {
        event.preventDefault();
        const form = event.currentTarget.elements;
        go({ from: form.from.value, to: form.to.value, interval: form.interval.value });
      },
    },
    select,
    h(
      'label',
      {},
      t('from'),
      h('input', { type: 'date', name: 'from', value: state.from || range.from || '' }),
    ),
    h('label', {}, t('to'), h('input', { type: 'date', name: 'to', value: state.to || range.to || '' })),
    h(
      'select',
      { name: 'interval', 'aria-label': t('by_day') },
      h('option', { value: 'day', selected: state.interval === 'day' }, t('by_day')),
      h('option', { value: 'week', selected: state.interval === 'week' }, t('by_week')),
    ),
    h('button', { type: 'submit', class: 'primary' }, t('show')),
  );
}

function countdown(summary) {
  if (summary.polling_day == null) return h('div', { class: 'countdown muted' }, t('polling_day_unset'));
  if (summary.days_to_polling_day < 0) {
    return h('div', { class: 'countdown muted' }, t('polling_day_passed', { date: date(summary.polling_day) }));
  }
  return h(
    'div',
    { class: 'countdown', id: 'countdown' },
    h('strong', {}, num(summary.days_to_polling_day)),
    h('span', {}, ` ${t('days_unit')} ${t('days_to_polling_day')}`),
    h('small', {}, t('polling_day', { date: date(summary.polling_day) })),
  );
}

// A titled part of the page; when its data failed to load it says so instead.
function section(titleKey, part, body, action) {
  const error = view.errors[part];
  return h(
    'section',
    { class: `part part-${part}` },
    h('div', { class: 'part-head' }, h('h3', {}, t(titleKey)), error ? null : action),
    error ? h('p', { class: 'error', role: 'alert' }, `${t('load_failed')}: ${error.message}`) : body(),
  );
}

function csvButton(report, state, options) {
  const scope = options?.branch === false ? 'national' : state.branch || 'national';
  return h(
    'button',
    {
      type: 'button',
      class: 'csv',
      onclick: () =>
        download(`/api/v1/reports/${report}.csv${query(state, options)}`, `${report}-${scope}.csv`).catch((err) =>
          window.alert(`${t('load_failed')}: ${err.message}`),
        ),
    },
    `${t('csv')} ↓`,
  );
}

function card(label, value, detail, bar) {
  return h(
    'div',
    { class: 'card stat' },
    h('span', { class: 'stat-label' }, label),
    h('strong', { class: 'stat-value' }, value),
    bar ?? null,
    detail ? h('span', { class: 'stat-detail' }, detail) : null,
  );
}

function cards(summary) {
  const { volunteers, events, shifts, door_to_door: doors, meetings, posters, social_media: social } = summary;
  const places = summary.localities;
  const materials = summary.materials_handed_out.reduce((total, item) => total + item.quantity, 0);
  const posterShare = posters.sites ? posters.sites_with_current_poster / posters.sites : 0;
  return h(
    'div',
    { class: 'cards', id: 'cards' },
    card(
      t('volunteers_active'),
      num(volunteers.active),
      `${t('of_total', { n: num(volunteers.total) })} · ${t('new_in_range', { n: num(volunteers.new_in_range) })}`,
    ),
    card(t('events_completed'), num(events.by_status.completed), t('events_scheduled', { n: num(events.by_status.scheduled) })),
    card(
      t('shift_fill_rate'),
      percent(shifts.fill_rate),
      t('signed_up_of_capacity', { a: num(shifts.signed_up), b: num(shifts.capacity) }),
      progressBar(shifts.fill_rate, t('shift_fill_rate')),
    ),
    card(t('attendance_rate'), percent(shifts.attendance_rate), t('no_show_rate', { p: percent(shifts.no_show_rate) })),
    card(t('visits'), num(doors.visits), `${t('stops_visited')}: ${num(doors.stops_visited)} / ${num(doors.stops)}`),
    card(t('doors_knocked'), num(doors.doors_knocked), `${t('conversations')}: ${num(doors.conversations)}`),
    card(t('meetings_held'), num(meetings.held), t('organisations_met', { n: num(meetings.organisations_met) })),
    card(
      t('meeting_attendance'),
      num(meetings.attendance),
      `${t('employees_reached')}: ${num(meetings.employees_reached)}`,
    ),
    card(
      t('posters_current'),
      num(posters.sites_with_current_poster),
      t('of_sites', { n: num(posters.sites) }),
      progressBar(posterShare, t('posters_current')),
    ),
    card(t('social_posts'), num(social.posts), `${t('social_views')}: ${num(social.views)}`),
    card(
      t('social_views'),
      num(social.views),
      t('social_reach', { r: num(social.reactions), s: num(social.shares), c: num(social.comments) }),
    ),
    card(t('materials_handed_out'), num(materials)),
    places.rural_settlements
      ? card(
          t('rural_reached'),
          percent(places.share_reached),
          `${num(places.rural_settlements_reached)} / ${num(places.rural_settlements)}`,
          progressBar(places.share_reached, t('rural_reached')),
        )
      : card(t('rural_reached'), '—', t('no_rural')),
  );
}

function charts(series) {
  const box = h('div', { class: 'charts', id: 'charts' });
  // Drawn once the box is in the page, at the width it gets there.
  requestAnimationFrame(() => drawCharts(box, series));
  return box;
}

function drawCharts(box, series) {
  const dates = series.points.map((point) => point.date);
  const width = box.clientWidth;
  const columns = width >= 900 ? 2 : 1;
  const chartWidth = (width - (columns - 1) * 16) / columns;
  fill(
    box,
    CHARTS.map(([title, fields]) =>
      lineChart({
        title: t(title),
        dates,
        width: chartWidth,
        series: fields.map((field) => ({ label: t(field), values: series.points.map((point) => point[field]) })),
      }),
    ),
  );
  box.dataset.width = String(width);
}

function breakdowns(summary) {
  const kinds = Object.entries(summary.events.by_kind)
    .map(([kind, count]) => ({ label: t(`ek_${kind}`), value: count }))
    .sort((a, b) => b.value - a.value);
  const materials = summary.materials_handed_out
    .map((item) => ({ label: named(item.title), value: item.quantity }))
    .sort((a, b) => b.value - a.value);
  return h(
    'div',
    { class: 'breakdowns' },
    h('div', {}, barList(kinds)),
    h(
      'div',
      {},
      h('h4', {}, t('materials_by_title')),
      materials.length ? barList(materials) : h('p', { class: 'muted' }, t('nothing_in_range')),
    ),
  );
}

function sortBy(key) {
  sort = { key, descending: sort.key === key ? !sort.descending : key !== 'code' };
  renderDashboard();
}

function branchTable(table) {
  const value = (row, key) => (key === 'code' ? named(row.name) : row[key]);
  const rows = [...table.items].sort((a, b) => {
    const [x, y] = [value(a, sort.key), value(b, sort.key)];
    const order = typeof x === 'string' ? x.localeCompare(y, lang()) : x - y;
    return sort.descending ? -order : order;
  });
  const header = (key, label) =>
    h(
      'th',
      {
        scope: 'col',
        class: key === 'code' ? '' : 'num',
        'aria-sort': sort.key === key ? (sort.descending ? 'descending' : 'ascending') : null,
      },
      h(
        'button',
        { type: 'button', class: 'sort', onclick: () => sortBy(key) },
        label,
        sort.key === key ? (sort.descending ? ' ↓' : ' ↑') : '',
      ),
    );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'branch-table' },
      h('thead', {}, h('tr', {}, header('code', t('branch')), BRANCH_COLUMNS.map(([key, label]) => header(key, t(label))))),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: stateHash({ ...view.state, branch: row.code }) }, named(row.name))),
            BRANCH_COLUMNS.slice(0, -1).map(([key]) => h('td', { class: 'num' }, num(row[key]))),
            h(
              'td',
              {},
              // A city has no rural settlements: nothing to reach, no bar.
              row.rural_settlements
                ? h(
                    'div',
                    { class: 'reach' },
                    progressBar(row.share_reached, t('rural_short')),
                    h(
                      'span',
                      { class: 'num' },
                      `${percent(row.share_reached)} (${num(row.rural_settlements_reached)}/${num(row.rural_settlements)})`,
                    ),
                  )
                : h('span', { class: 'muted', title: t('no_rural') }, '—'),
            ),
          ),
        ),
      ),
    ),
  );
}

function localities(progress) {
  if (!progress.by_locality.length) return h('p', { class: 'muted' }, t('no_localities'));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'locality-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('locality')),
          h('th', { scope: 'col' }, t('kind')),
          h('th', { scope: 'col', class: 'num' }, t('routes')),
          h('th', { scope: 'col' }, t('progress')),
          h('th', { scope: 'col', class: 'num' }, t('doors_knocked')),
          h('th', { scope: 'col', class: 'num' }, t('conversations')),
        ),
      ),
      h(
        'tbody',
        {},
        progress.by_locality.map((place) => {
          const share = place.stops_total ? place.stops_visited / place.stops_total : 0;
          return h(
            'tr',
            {},
            h('th', { scope: 'row' }, named(place.name)),
            h('td', {}, t(`kind_${place.kind}`)),
            h(
              'td',
              { class: 'num' },
              num(place.routes),
              h('small', {}, ` ${t('completed_routes', { n: num(place.completed_routes) })}`),
            ),
            h(
              'td',
              {},
              h(
                'div',
                { class: 'reach' },
                progressBar(share, t('progress')),
                h('span', { class: 'num' }, `${num(place.stops_visited)}/${num(place.stops_total)}`),
              ),
            ),
            h('td', { class: 'num' }, num(place.doors_knocked)),
            h('td', { class: 'num' }, num(place.conversations)),
          );
        }),
      ),
    ),
  );
}

// ---------------------------------------------------------------- start

let resizing = null;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => {
    const box = document.getElementById('charts');
    if (box && view?.series && box.dataset.width !== String(box.clientWidth)) drawCharts(box, view.series);
  }, 150);
});
window.addEventListener('hashchange', () => load());
document.getElementById('sign-out').addEventListener('click', async () => {
  await logout();
  me = null;
  view = null;
  notice = '';
  render();
});

setLang(lang());
renderFrame();
if (session()) start();
else renderSignIn();
