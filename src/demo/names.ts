/** Name pools per state, in the script the state writes names in, for demo personas and bulk seeds. */
export interface NamePool {
  male: string[];
  female: string[];
  /** family names in the male form; femaleFamily turns them into the female form where the language has one */
  family: string[];
  femaleFamily: (family: string) => string;
  language: string;
}

const slavicFemale = (f: string) => (/(ов|ев|ин)$/.test(f) ? `${f}а` : f);
const latinFemale = (f: string) => (/(ov|yev|ev|in)$/.test(f) ? `${f}a` : f);

export const NAMES: Record<string, NamePool> = {
  KZ: {
    male: ['Ерлан', 'Нұрлан', 'Асхат', 'Данияр', 'Бауыржан', 'Серік', 'Арман', 'Қайрат', 'Ержан', 'Әлібек', 'Мұхтар', 'Дәулет'],
    female: ['Айгерім', 'Гүлнар', 'Әсел', 'Динара', 'Жанар', 'Мөлдір', 'Сәуле', 'Аружан', 'Ақбота', 'Салтанат', 'Нұргүл', 'Әйгерім'],
    family: ['Жақсыбеков', 'Сейітов', 'Нұрпейісов', 'Әбенов', 'Оспанов', 'Құнанбаев', 'Бекмұхамедов', 'Тоқаев', 'Смағұлов', 'Ахметов', 'Қасымов', 'Ғабдуллин'],
    femaleFamily: slavicFemale,
    language: 'kk',
  },
  AZ: {
    male: ['Elvin', 'Rəşad', 'Tural', 'Orxan', 'Kamran', 'Elçin', 'Fərid', 'Nicat', 'Ramil', 'Vüqar'],
    female: ['Leyla', 'Aysel', 'Günel', 'Nərmin', 'Səbinə', 'Könül', 'Fidan', 'Lalə', 'Aytən', 'Şəbnəm'],
    family: ['Məmmədov', 'Əliyev', 'Həsənov', 'Hüseynov', 'Quliyev', 'İsmayılov', 'Abbasov', 'Rzayev', 'Cəfərov', 'Nəsirov'],
    femaleFamily: (f) => (/(ov|yev|ev)$/.test(f) ? `${f}a` : f),
    language: 'az',
  },
  KG: {
    male: ['Азамат', 'Бакыт', 'Нурбек', 'Эрлан', 'Таалайбек', 'Жыргалбек', 'Санжар', 'Улан', 'Бекзат', 'Марат'],
    female: ['Айпери', 'Гүлзат', 'Нурзада', 'Жылдыз', 'Айжан', 'Бермет', 'Чолпон', 'Асел', 'Назгүл', 'Мээрим'],
    family: ['Токтогулов', 'Асанов', 'Жээнбеков', 'Садыров', 'Бакиев', 'Осмонов', 'Абдыкадыров', 'Мамытов', 'Турдуев', 'Качкынбаев'],
    femaleFamily: slavicFemale,
    language: 'ky',
  },
  TR: {
    male: ['Mehmet', 'Mustafa', 'Ahmet', 'Ali', 'Hüseyin', 'Emre', 'Burak', 'Murat', 'Oğuz', 'Kerem'],
    female: ['Ayşe', 'Fatma', 'Zeynep', 'Elif', 'Emine', 'Merve', 'Büşra', 'Özlem', 'Gül', 'Şule'],
    family: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Yıldırım', 'Öztürk', 'Aydın', 'Özdemir'],
    femaleFamily: (f) => f,
    language: 'tr',
  },
  UZ: {
    male: ['Jasur', 'Sherzod', 'Otabek', 'Bekzod', 'Sardor', 'Dilshod', 'Akmal', 'Rustam', 'Oybek', 'Shoxrux'],
    female: ['Dilnoza', 'Nigora', 'Malika', 'Gulnora', 'Shahnoza', 'Madina', 'Zarina', 'Feruza', 'Sevara', 'Nodira'],
    family: ['Karimov', 'Rahimov', 'Yusupov', 'Toshmatov', 'Xolmatov', 'Sultonov', 'Ergashev', 'Qodirov', 'Aliyev', 'Usmonov'],
    femaleFamily: latinFemale,
    language: 'uz',
  },
};

/** A deterministic pseudo-random source (mulberry32): the same seed gives the same demo data on every node. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-4-shaped UUID from a deterministic source. */
export function seededUuid(rng: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}
