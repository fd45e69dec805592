import type { Language } from '../i18n/index.js';

type Localized = Record<Language, string>;
const L = (en: string, ru: string, kk: string, tr: string, az: string, ky: string, uz: string): Localized => ({ en, ru, kk, tr, az, ky, uz });

/**
 * The labels of the registers' answer fields in the seven languages, published with each register's OpenAPI
 * description (`x-labels` on each property), so that an officer reads "Date of birth" in their language, not
 * `birthDate`.
 */
export const FIELD_LABELS: Record<string, Localized> = {
  identifier: L('Identification number', 'Идентификационный номер', 'Сәйкестендіру нөмірі', 'Kimlik numarası', 'Şəxsiyyət nömrəsi', 'Идентификациялык номер', 'Identifikatsiya raqami'),
  state: L('Country', 'Страна', 'Ел', 'Ülke', 'Ölkə', 'Өлкө', 'Mamlakat'),
  givenName: L('Given name', 'Имя', 'Аты', 'Adı', 'Adı', 'Аты', 'Ismi'),
  familyName: L('Family name', 'Фамилия', 'Тегі', 'Soyadı', 'Soyadı', 'Фамилиясы', 'Familiyasi'),
  surname: L('Surname', 'Фамилия', 'Тегі', 'Soyadı', 'Soyadı', 'Фамилиясы', 'Familiyasi'),
  patronymic: L('Patronymic', 'Отчество', 'Әкесінің аты', 'Baba adı', 'Ata adı', 'Атасынын аты', 'Otasining ismi'),
  birthDate: L('Date of birth', 'Дата рождения', 'Туған күні', 'Doğum tarihi', 'Doğum tarixi', 'Туулган күнү', 'Tugʻilgan sanasi'),
  age: L('Age', 'Возраст', 'Жасы', 'Yaşı', 'Yaşı', 'Жашы', 'Yoshi'),
  sex: L('Sex', 'Пол', 'Жынысы', 'Cinsiyeti', 'Cinsi', 'Жынысы', 'Jinsi'),
  found: L('Found in the register', 'Найдено в реестре', 'Тізілімде бар', 'Sicilde bulundu', 'Reyestrdə tapıldı', 'Реестрде бар', 'Reyestrda topildi'),
  records: L('Convictions', 'Судимости', 'Сотталғандықтар', 'Mahkûmiyetler', 'Məhkumluqlar', 'Соттолгондуктар', 'Sudlanganliklar'),
  article: L('Article', 'Статья', 'Бап', 'Madde', 'Maddə', 'Берене', 'Modda'),
  court: L('Court', 'Суд', 'Сот', 'Mahkeme', 'Məhkəmə', 'Сот', 'Sud'),
  sentencedOn: L('Date of sentence', 'Дата приговора', 'Үкім күні', 'Hüküm tarihi', 'Hökm tarixi', 'Өкүм чыгарылган күн', 'Hukm sanasi'),
  code: L('Address code', 'Код адреса', 'Мекенжай коды', 'Adres kodu', 'Ünvan kodu', 'Дарек коду', 'Manzil kodi'),
  region: L('Region', 'Регион', 'Өңір', 'İl', 'Region', 'Аймак', 'Viloyat'),
  locality: L('Locality', 'Населённый пункт', 'Елді мекен', 'Yerleşim yeri', 'Yaşayış məntəqəsi', 'Калктуу конуш', 'Aholi punkti'),
  street: L('Street', 'Улица', 'Көше', 'Sokak', 'Küçə', 'Көчө', 'Koʻcha'),
  building: L('Building', 'Дом', 'Үй', 'Bina', 'Bina', 'Үй', 'Uy'),
  flat: L('Flat', 'Квартира', 'Пәтер', 'Daire', 'Mənzil', 'Батир', 'Xonadon'),
  postcode: L('Postcode', 'Почтовый индекс', 'Пошта индексі', 'Posta kodu', 'Poçt indeksi', 'Почта индекси', 'Pochta indeksi'),
  fullAddress: L('Address', 'Адрес', 'Мекенжай', 'Adres', 'Ünvan', 'Дарек', 'Manzil'),
  registeredOn: L('Registered on', 'Дата регистрации', 'Тіркелген күні', 'Kayıt tarihi', 'Qeydiyyat tarixi', 'Катталган күнү', 'Roʻyxatga olingan sana'),
  businesses: L('Businesses headed', 'Руководимые организации', 'Басқаратын ұйымдары', 'Yönettiği işletmeler', 'Rəhbərlik etdiyi təşkilatlar', 'Жетектеген уюмдары', 'Rahbarlik qiladigan tashkilotlar'),
  businessId: L('Registration number', 'Регистрационный номер', 'Тіркеу нөмірі', 'Sicil numarası', 'Qeydiyyat nömrəsi', 'Каттоо номери', 'Roʻyxat raqami'),
  name: L('Name', 'Наименование', 'Атауы', 'Unvanı', 'Adı', 'Аталышы', 'Nomi'),
  kind: L('Legal form', 'Организационно-правовая форма', 'Ұйымдық-құқықтық нысаны', 'Hukuki şekli', 'Hüquqi forması', 'Уюштуруу-укуктук формасы', 'Tashkiliy-huquqiy shakli'),
  head: L("Head's identification number", 'Идентификационный номер руководителя', 'Басшының сәйкестендіру нөмірі', 'Yöneticinin kimlik numarası', 'Rəhbərin şəxsiyyət nömrəsi', 'Жетекчинин идентификациялык номери', 'Rahbarning identifikatsiya raqami'),
};

/** An OpenAPI schema's properties with their labels (`x-labels`), items and nested objects included. */
export function labelled(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => {
      const s = { ...(schema as Record<string, unknown>) };
      if (FIELD_LABELS[name]) s['x-labels'] = FIELD_LABELS[name];
      if (s.properties) s.properties = labelled(s.properties as Record<string, unknown>);
      const items = s.items as Record<string, unknown> | undefined;
      if (items?.properties) s.items = { ...items, properties: labelled(items.properties as Record<string, unknown>) };
      return [name, s];
    }),
  );
}

/** Every field label a register's OpenAPI description publishes, in one language (English when it lacks it). */
export function labelsOf(openapi: unknown, language: Language): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const props = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
    for (const [name, schema] of Object.entries(props ?? {})) {
      const labels = schema?.['x-labels'] as Record<string, string> | undefined;
      if (labels) found[name] ??= labels[language] ?? labels.en ?? name;
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(openapi);
  return found;
}
