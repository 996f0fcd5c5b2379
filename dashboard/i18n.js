// Every label of the dashboard, in Kazakh and Russian: the one dictionary.
// Names that come from the API (branches, localities, materials) carry their own
// kk/ru translations.

export const LANGUAGES = [
  ['kk', 'Қаз'],
  ['ru', 'Рус'],
];

const LABELS = {
  kk: {
    title: 'Науқан көрсеткіштері',
    thousand_short: 'мың',
    million_short: 'млн',
    nation: 'Бүкіл ел',
    back_to_nation: '← Бүкіл ел',
    sign_in: 'Кіру',
    sign_in_intro: 'Есептік жазбаңызбен немесе бақылаушының API токенімен кіріңіз.',
    email: 'Электрондық пошта',
    password: 'Құпиясөз',
    or: 'немесе',
    api_token: 'API токені (otk_…)',
    use_token: 'Токенмен кіру',
    sign_out: 'Шығу',
    signing_in: 'Кіру…',
    bad_credentials: 'Email немесе құпиясөз қате.',
    bad_token: 'Токен жарамсыз немесе кері қайтарылған.',
    throttled: 'Тым көп сәтсіз әрекет. {s} секундтан кейін қайталаңыз.',
    must_change_password: 'Алдымен құпиясөзді өзгерту керек (POST /api/v1/me/password), содан кейін қайта кіріңіз.',
    session_ended: 'Сеанс аяқталды: қайта кіріңіз.',
    load_failed: 'Деректерді жүктеу мүмкін болмады',
    loading: 'Жүктелуде…',
    from: 'Бастап',
    to: 'Дейін',
    by_day: 'Күн бойынша',
    by_week: 'Апта бойынша',
    show: 'Көрсету',
    csv: 'CSV',
    period: 'Кезең: {from} — {to}',
    days_to_polling_day: 'дауыс беру күніне дейін',
    days_unit: 'күн',
    polling_day: 'Дауыс беру күні: {date}',
    polling_day_passed: 'Дауыс беру күні өтті ({date})',
    polling_day_unset: 'Дауыс беру күні белгіленбеген',
    // Summary cards.
    volunteers: 'Еріктілер',
    volunteers_active: 'Белсенді еріктілер',
    of_total: 'барлығы {n}',
    new_in_range: 'кезеңде жаңа: {n}',
    events_completed: 'Өткізілген іс-шаралар',
    events_scheduled: 'жоспарланған: {n}',
    shift_fill_rate: 'Ауысымдардың толуы',
    attendance_rate: 'Келу',
    no_show_rate: 'келмеу: {p}',
    signed_up_of_capacity: '{a} / {b} орын',
    visits: 'Барулар',
    doors_knocked: 'Қағылған есіктер',
    conversations: 'Әңгімелер',
    stops_visited: 'Аралған мекенжайлар',
    meetings_held: 'Өткен кездесулер',
    meeting_attendance: 'Кездесулерге қатысқандар',
    organisations_met: 'ұжым: {n}',
    employees_reached: 'Қамтылған қызметкерлер',
    posters_current: 'Плакаты бар орындар',
    of_sites: '{n} орынның',
    social_posts: 'Әлеуметтік желідегі жазбалар',
    social_views: 'Қаралымдар',
    social_reach: 'реакция {r} · бөлісу {s} · пікір {c}',
    materials_handed_out: 'Таратылған материалдар',
    rural_reached: 'Қамтылған ауылдық елді мекендер',
    no_rural: 'Ауылдық елді мекен жоқ',
    // Sections.
    totals: 'Жалпы көрсеткіштер',
    over_time: 'Уақыт бойынша',
    branches: 'Филиалдар',
    branch: 'Филиал',
    localities: 'Елді мекендер',
    events_by_kind: 'Іс-шаралар түрі бойынша',
    materials_by_title: 'Материалдар',
    nothing_in_range: 'Бұл кезеңде дерек жоқ',
    // Charts and their series.
    chart_door_to_door: 'Үйден үйге',
    chart_people: 'Адамдар',
    chart_activity: 'Іс-шаралар мен жазбалар',
    chart_materials: 'Таратылған материалдар',
    chart_social_views: 'Әлеуметтік желідегі қаралымдар',
    volunteers_new: 'Жаңа еріктілер',
    events_held: 'Өткен іс-шаралар',
    shifts_attended: 'Ауысымға келгендер',
    posters_placed: 'Ілінген плакаттар',
    // Branch table.
    volunteers_active_short: 'Белсенді',
    meetings_short: 'Кездесулер',
    posters_short: 'Плакаттар',
    posts_short: 'Жазбалар',
    rural_short: 'Ауылдар қамтылды',
    // Localities.
    locality: 'Елді мекен',
    kind: 'Түрі',
    routes: 'Бағыттар',
    completed_routes: 'аяқталды: {n}',
    progress: 'Мекенжайлар',
    no_localities: 'Бұл филиалда бағыттары бар елді мекен жоқ.',
    kind_district: 'аудан',
    kind_city: 'қала',
    kind_town: 'қалашық',
    kind_rural_district: 'ауылдық округ',
    kind_village: 'ауыл',
    // Event kinds.
    ek_door_to_door: 'Үйден үйге',
    ek_poster_placement: 'Плакат ілу',
    ek_materials_distribution: 'Материал тарату',
    ek_street_stand: 'Көше стенді',
    ek_work_collective_meeting: 'Еңбек ұжымымен кездесу',
    ek_expert_meeting: 'Сарапшылармен кездесу',
    ek_residents_meeting: 'Тұрғындармен кездесу',
    ek_social_media: 'Әлеуметтік желі',
    ek_training: 'Оқыту',
    ek_other: 'Басқа',
    role_admin: 'әкімші',
    role_coordinator: 'үйлестіруші',
    role_volunteer: 'ерікті',
    role_observer: 'бақылаушы',
  },
  ru: {
    title: 'Показатели кампании',
    thousand_short: 'тыс.',
    million_short: 'млн',
    nation: 'Вся страна',
    back_to_nation: '← Вся страна',
    sign_in: 'Войти',
    sign_in_intro: 'Войдите своей учётной записью или API-токеном наблюдателя.',
    email: 'Электронная почта',
    password: 'Пароль',
    or: 'или',
    api_token: 'API-токен (otk_…)',
    use_token: 'Войти по токену',
    sign_out: 'Выйти',
    signing_in: 'Вход…',
    bad_credentials: 'Неверный email или пароль.',
    bad_token: 'Токен недействителен или отозван.',
    throttled: 'Слишком много неудачных попыток. Повторите через {s} с.',
    must_change_password: 'Сначала нужно сменить пароль (POST /api/v1/me/password), затем войти снова.',
    session_ended: 'Сеанс завершён: войдите снова.',
    load_failed: 'Не удалось загрузить данные',
    loading: 'Загрузка…',
    from: 'С',
    to: 'По',
    by_day: 'По дням',
    by_week: 'По неделям',
    show: 'Показать',
    csv: 'CSV',
    period: 'Период: {from} — {to}',
    days_to_polling_day: 'до дня голосования',
    days_unit: 'дн.',
    polling_day: 'День голосования: {date}',
    polling_day_passed: 'День голосования прошёл ({date})',
    polling_day_unset: 'День голосования не задан',
    volunteers: 'Волонтёры',
    volunteers_active: 'Активные волонтёры',
    of_total: 'всего {n}',
    new_in_range: 'новых за период: {n}',
    events_completed: 'Проведённые мероприятия',
    events_scheduled: 'запланировано: {n}',
    shift_fill_rate: 'Заполненность смен',
    attendance_rate: 'Явка',
    no_show_rate: 'неявка: {p}',
    signed_up_of_capacity: '{a} из {b} мест',
    visits: 'Посещения',
    doors_knocked: 'Двери',
    conversations: 'Беседы',
    stops_visited: 'Пройдено адресов',
    meetings_held: 'Проведённые встречи',
    meeting_attendance: 'Участники встреч',
    organisations_met: 'коллективов: {n}',
    employees_reached: 'Охвачено сотрудников',
    posters_current: 'Места с плакатом',
    of_sites: 'из {n} мест',
    social_posts: 'Публикации в соцсетях',
    social_views: 'Просмотры',
    social_reach: 'реакции {r} · репосты {s} · комментарии {c}',
    materials_handed_out: 'Выдано материалов',
    rural_reached: 'Охваченные сельские населённые пункты',
    no_rural: 'Нет сельских населённых пунктов',
    totals: 'Итоги',
    over_time: 'Динамика',
    branches: 'Филиалы',
    branch: 'Филиал',
    localities: 'Населённые пункты',
    events_by_kind: 'Мероприятия по видам',
    materials_by_title: 'Материалы',
    nothing_in_range: 'За этот период данных нет',
    chart_door_to_door: 'От двери к двери',
    chart_people: 'Люди',
    chart_activity: 'Мероприятия и публикации',
    chart_materials: 'Выдано материалов',
    chart_social_views: 'Просмотры в соцсетях',
    volunteers_new: 'Новые волонтёры',
    events_held: 'Проведённые мероприятия',
    shifts_attended: 'Пришли на смены',
    posters_placed: 'Размещено плакатов',
    volunteers_active_short: 'Активные',
    meetings_short: 'Встречи',
    posters_short: 'Плакаты',
    posts_short: 'Публикации',
    rural_short: 'Охват сёл',
    locality: 'Населённый пункт',
    kind: 'Тип',
    routes: 'Маршруты',
    completed_routes: 'завершено: {n}',
    progress: 'Адреса',
    no_localities: 'В этом филиале нет населённых пунктов с маршрутами.',
    kind_district: 'район',
    kind_city: 'город',
    kind_town: 'посёлок',
    kind_rural_district: 'сельский округ',
    kind_village: 'село',
    ek_door_to_door: 'От двери к двери',
    ek_poster_placement: 'Размещение плакатов',
    ek_materials_distribution: 'Раздача материалов',
    ek_street_stand: 'Уличный стенд',
    ek_work_collective_meeting: 'Встреча с трудовым коллективом',
    ek_expert_meeting: 'Встреча с экспертами',
    ek_residents_meeting: 'Встреча с жителями',
    ek_social_media: 'Соцсети',
    ek_training: 'Обучение',
    ek_other: 'Другое',
    role_admin: 'администратор',
    role_coordinator: 'координатор',
    role_volunteer: 'волонтёр',
    role_observer: 'наблюдатель',
  },
};

const STORAGE_KEY = 'outreach.dashboard.lang';

let current = LANGUAGES.some(([code]) => code === localStorage.getItem(STORAGE_KEY))
  ? localStorage.getItem(STORAGE_KEY)
  : navigator.language?.startsWith('ru') ? 'ru' : 'kk';

export function lang() {
  return current;
}

export function setLang(code) {
  if (!LABELS[code]) return;
  current = code;
  localStorage.setItem(STORAGE_KEY, code);
  document.documentElement.lang = code;
}

/** The label `key` in the current language, with `{name}` placeholders filled. */
export function t(key, params = {}) {
  const text = LABELS[current][key] ?? LABELS.ru[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** The current language's part of a `{kk, ru, en}` name from the API. */
export function named(name) {
  return name?.[current] || name?.ru || name?.kk || name?.en || '';
}

// Kazakh writes numbers as Russian does (12 345,6), and not every browser has
// Kazakh number data: both languages use the Russian format.
const numbers = new Intl.NumberFormat('ru-RU');

/** 12 345, grouped the way both languages write it. */
export function num(value) {
  return numbers.format(value ?? 0);
}

/** 12 000 as "12 мың" / "12 тыс.", for chart axes. */
export function compactNum(value) {
  const [scale, unit] = value >= 1e6 ? [1e6, 'million_short'] : value >= 1e4 ? [1e3, 'thousand_short'] : [1, ''];
  const scaled = numbers.format(Math.round((value / scale) * 10) / 10);
  return unit ? `${scaled} ${t(unit)}` : scaled;
}

/** A share (0.0 to 1.0) as a percentage: 42,5 %. */
export function percent(share) {
  return `${num(Math.round((share ?? 0) * 1000) / 10)} %`;
}

/** `2026-12-01` as `01.12.2026`, the way both languages write dates. */
export function date(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** `2026-12-01` as `01.12`, for chart axes. */
export function shortDate(iso) {
  const [, m, d] = iso.split('-');
  return `${d}.${m}`;
}
