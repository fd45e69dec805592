import { type Db, transaction } from '../platform/db/index.js';

// A few real-looking addresses per state, written as each state writes them (codes in each register's format:
// Kazakhstan's RKA 16 digits, Türkiye's UAVT 10 digits; the others the node's own).
type Address = { code: string; region: string; locality: string; street: string; building: string; flat: string | null; postcode: string };
const ADDRESSES: Record<string, Address[]> = {
  KZ: [
    { code: '0201200002358853', region: 'Алматы қаласы', locality: 'Алмалы ауданы', street: 'Абай даңғылы', building: '52', flat: '14', postcode: 'A05E3K1' },
    { code: '0201200003419275', region: 'Алматы қаласы', locality: 'Бостандық ауданы', street: 'Тимирязев көшесі', building: '28', flat: '7', postcode: 'A15E2P4' },
    { code: '1101400001274463', region: 'Астана қаласы', locality: 'Есіл ауданы', street: 'Қабанбай батыр даңғылы', building: '11', flat: '105', postcode: 'Z05H9E8' },
    { code: '1101400000863310', region: 'Астана қаласы', locality: 'Сарыарқа ауданы', street: 'Бейбітшілік көшесі', building: '25', flat: null, postcode: 'Z00T6E3' },
  ],
  AZ: [
    { code: 'AZ-1000-NSM-018-7', region: 'Bakı şəhəri', locality: 'Nəsimi rayonu', street: 'Azadlıq prospekti', building: '18', flat: '7', postcode: 'AZ1000' },
    { code: 'AZ-1065-YSM-044-22', region: 'Bakı şəhəri', locality: 'Yasamal rayonu', street: 'Şərifzadə küçəsi', building: '44', flat: '22', postcode: 'AZ1065' },
    { code: 'AZ-2000-GNC-009', region: 'Gəncə şəhəri', locality: 'Kəpəz rayonu', street: 'Atatürk prospekti', building: '9', flat: null, postcode: 'AZ2000' },
  ],
  KG: [
    { code: 'KG-720001-PRV-120-5', region: 'Бишкек шаары', locality: 'Биринчи Май району', street: 'Чүй проспектиси', building: '120', flat: '5', postcode: '720001' },
    { code: 'KG-720040-LNN-87-31', region: 'Бишкек шаары', locality: 'Ленин району', street: 'Токтогул көчөсү', building: '87', flat: '31', postcode: '720040' },
    { code: 'KG-723500-OSH-14', region: 'Ош шаары', locality: 'Ош', street: 'Курманжан Датка көчөсү', building: '14', flat: null, postcode: '723500' },
  ],
  TR: [
    { code: '1234567890', region: 'İstanbul', locality: 'Kadıköy, Caferağa Mah.', street: 'Moda Cad.', building: 'No: 12', flat: '3', postcode: '34710' },
    { code: '2089341175', region: 'Ankara', locality: 'Çankaya, Kızılay Mah.', street: 'Atatürk Bulvarı', building: 'No: 101', flat: '8', postcode: '06420' },
    { code: '3305518824', region: 'İzmir', locality: 'Konak, Alsancak Mah.', street: 'Kıbrıs Şehitleri Cad.', building: 'No: 45', flat: null, postcode: '35220' },
  ],
  UZ: [
    { code: 'UZ-100084-YUN-108-45', region: 'Toshkent shahri', locality: 'Yunusobod tumani', street: "Amir Temur ko'chasi", building: '108', flat: '45', postcode: '100084' },
    { code: 'UZ-100000-MIR-7-12', region: 'Toshkent shahri', locality: "Mirzo Ulug'bek tumani", street: "Buyuk Ipak Yo'li ko'chasi", building: '7', flat: '12', postcode: '100000' },
    { code: 'UZ-140100-SAM-23', region: 'Samarqand viloyati', locality: 'Samarqand shahri', street: "Registon ko'chasi", building: '23', flat: null, postcode: '140100' },
  ],
};

/**
 * The demo address register: each state's addresses, and a registration of residence for every demo persona.
 * Runs once per database (when the register is empty), also on nodes seeded before the register existed.
 */
export async function seedDemoAddresses(db: Db): Promise<void> {
  const any = await db.selectFrom('addresses').select('code').limit(1).executeTakeFirst();
  if (any) return;
  const personas = await db
    .selectFrom('demo_key_files as k')
    .innerJoin('persons as p', 'p.id', 'k.person_id')
    .select(['p.state', 'p.national_id', 'p.birth_date'])
    .orderBy('p.state')
    .orderBy('p.national_id')
    .execute();
  await transaction(db, async (tx) => {
    for (const [state, list] of Object.entries(ADDRESSES)) await tx.insertInto('addresses').values(list.map((a) => ({ state, ...a }))).execute();
    const seen = new Map<string, number>();
    const rows = personas
      .filter((p) => ADDRESSES[p.state])
      .map((p) => {
        const i = seen.get(p.state) ?? 0;
        seen.set(p.state, i + 1);
        const list = ADDRESSES[p.state];
        // registered there since they came of age, or since 2015 for the older ones
        const adult = p.birth_date ? `${Number(p.birth_date.slice(0, 4)) + 18}${p.birth_date.slice(4, 7)}-01` : '2015-03-01';
        return { state: p.state, national_id: p.national_id, address_code: list[i % list.length].code, registered_on: adult > '2015-03-01' ? adult : '2015-03-01', ended_on: null };
      });
    if (rows.length) await tx.insertInto('residence_registrations').values(rows).execute();
  });
}
