-- The 20 regional branches: 3 cities of republican significance and 17 regions.
-- Reference data copied from shared/reference/branches.csv; the program never reads that file.
CREATE TABLE branches (
  code TEXT PRIMARY KEY NOT NULL CHECK (code LIKE 'KZ-%'),
  kind TEXT NOT NULL CHECK (kind IN ('city', 'region')),
  name_kk TEXT NOT NULL,
  name_ru TEXT NOT NULL,
  name_en TEXT NOT NULL,
  centre_kk TEXT NOT NULL,
  centre_ru TEXT NOT NULL,
  centre_en TEXT NOT NULL,
  timezone TEXT NOT NULL,
  office_address TEXT,
  phone TEXT,
  head_coordinator TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
  updated_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
  version INTEGER NOT NULL DEFAULT 1
);

INSERT INTO branches (code, kind, name_kk, name_ru, name_en, centre_kk, centre_ru, centre_en, timezone) VALUES
  ('KZ-71', 'city', 'Астана', 'Астана', 'Astana', 'Астана', 'Астана', 'Astana', 'Asia/Almaty'),
  ('KZ-75', 'city', 'Алматы', 'Алматы', 'Almaty', 'Алматы', 'Алматы', 'Almaty', 'Asia/Almaty'),
  ('KZ-79', 'city', 'Шымкент', 'Шымкент', 'Shymkent', 'Шымкент', 'Шымкент', 'Shymkent', 'Asia/Almaty'),
  ('KZ-10', 'region', 'Абай облысы', 'Абайская область', 'Abai Region', 'Семей', 'Семей', 'Semey', 'Asia/Almaty'),
  ('KZ-11', 'region', 'Ақмола облысы', 'Акмолинская область', 'Akmola Region', 'Көкшетау', 'Кокшетау', 'Kokshetau', 'Asia/Almaty'),
  ('KZ-15', 'region', 'Ақтөбе облысы', 'Актюбинская область', 'Aktobe Region', 'Ақтөбе', 'Актобе', 'Aktobe', 'Asia/Aqtobe'),
  ('KZ-19', 'region', 'Алматы облысы', 'Алматинская область', 'Almaty Region', 'Қонаев', 'Конаев', 'Konaev', 'Asia/Almaty'),
  ('KZ-23', 'region', 'Атырау облысы', 'Атырауская область', 'Atyrau Region', 'Атырау', 'Атырау', 'Atyrau', 'Asia/Atyrau'),
  ('KZ-27', 'region', 'Батыс Қазақстан облысы', 'Западно-Казахстанская область', 'West Kazakhstan Region', 'Орал', 'Уральск', 'Oral', 'Asia/Oral'),
  ('KZ-31', 'region', 'Жамбыл облысы', 'Жамбылская область', 'Jambyl Region', 'Тараз', 'Тараз', 'Taraz', 'Asia/Almaty'),
  ('KZ-33', 'region', 'Жетісу облысы', 'Жетысуская область', 'Jetisu Region', 'Талдықорған', 'Талдыкорган', 'Taldykorgan', 'Asia/Almaty'),
  ('KZ-35', 'region', 'Қарағанды облысы', 'Карагандинская область', 'Karaganda Region', 'Қарағанды', 'Караганда', 'Karaganda', 'Asia/Almaty'),
  ('KZ-39', 'region', 'Қостанай облысы', 'Костанайская область', 'Kostanay Region', 'Қостанай', 'Костанай', 'Kostanay', 'Asia/Qostanay'),
  ('KZ-43', 'region', 'Қызылорда облысы', 'Кызылординская область', 'Kyzylorda Region', 'Қызылорда', 'Кызылорда', 'Kyzylorda', 'Asia/Qyzylorda'),
  ('KZ-47', 'region', 'Маңғыстау облысы', 'Мангистауская область', 'Mangystau Region', 'Ақтау', 'Актау', 'Aktau', 'Asia/Aqtau'),
  ('KZ-55', 'region', 'Павлодар облысы', 'Павлодарская область', 'Pavlodar Region', 'Павлодар', 'Павлодар', 'Pavlodar', 'Asia/Almaty'),
  ('KZ-59', 'region', 'Солтүстік Қазақстан облысы', 'Северо-Казахстанская область', 'North Kazakhstan Region', 'Петропавл', 'Петропавловск', 'Petropavl', 'Asia/Almaty'),
  ('KZ-61', 'region', 'Түркістан облысы', 'Туркестанская область', 'Turkistan Region', 'Түркістан', 'Туркестан', 'Turkistan', 'Asia/Almaty'),
  ('KZ-62', 'region', 'Ұлытау облысы', 'Улытауская область', 'Ulytau Region', 'Жезқазған', 'Жезказган', 'Zhezkazgan', 'Asia/Almaty'),
  ('KZ-63', 'region', 'Шығыс Қазақстан облысы', 'Восточно-Казахстанская область', 'East Kazakhstan Region', 'Өскемен', 'Усть-Каменогорск', 'Oskemen', 'Asia/Almaty');
