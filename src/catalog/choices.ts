import { LANGUAGES } from '../i18n/index.js';

// ISO 3166-1 alpha-2: the officially assigned codes.
const COUNTRIES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH ' +
  'CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN ' +
  'GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI ' +
  'LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM ' +
  'PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD ' +
  'TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

/**
 * Closed lists a form field can name instead of spelling them out (`x-choice: country`): expanded when the catalog
 * loads into an `enum` with the names in every language (`x-enum-labels`, from ICU's data through Intl.DisplayNames),
 * so the portal offers a choice by name, the server accepts exactly those values, and the review and the document
 * print the name, not the code.
 */
const CHOICES: Record<string, () => { enum: string[]; 'x-enum-labels': Record<string, Record<string, string>> }> = {
  country: () => {
    const names = LANGUAGES.map((language) => [language, new Intl.DisplayNames([language], { type: 'region' })] as const);
    return { enum: COUNTRIES, 'x-enum-labels': Object.fromEntries(COUNTRIES.map((code) => [code, Object.fromEntries(names.map(([language, n]) => [language, n.of(code) ?? code]))])) };
  },
};

/** Replaces every `x-choice` in a form schema (nested objects and items included) by its list; names an unknown one. */
export function expandChoices(schema: Record<string, unknown>, pointer: string, fail: (message: string) => void): void {
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [name, child] of Object.entries(props ?? {})) {
    const at = `${pointer}/properties/${name}`;
    const choice = child['x-choice'];
    if (choice !== undefined) {
      delete child['x-choice'];
      const list = typeof choice === 'string' ? CHOICES[choice] : undefined;
      if (!list) fail(`${at}/x-choice must be one of ${Object.keys(CHOICES).join(', ')}`);
      else Object.assign(child, list());
    }
    if (child.type === 'object') expandChoices(child, at, fail);
    const items = child.items as Record<string, unknown> | undefined;
    if (items?.type === 'object') expandChoices(items, `${at}/items`, fail);
  }
}
