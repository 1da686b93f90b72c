// ISO 3166-1 alpha-2 codes; names come from Intl.DisplayNames in the UI language.
export const COUNTRIES = ('AF AX AL DZ AS AD AO AI AG AR AM AW AU AT AZ BS BH BD BB BY BE BZ BJ BM BT BO BA BW BR '
  + 'IO BN BG BF BI CV KH CM CA KY CF TD CL CN CX CC CO KM CG CD CK CR CI HR CU CW CY CZ DK DJ DM DO EC EG SV '
  + 'GQ ER EE SZ ET FK FO FJ FI FR GF PF GA GM GE DE GH GI GR GL GD GP GU GT GG GN GW GY HT VA HN HK HU IS IN '
  + 'ID IR IQ IE IM IL IT JM JP JE JO KZ KE KI KP KR XK KW KG LA LV LB LS LR LY LI LT LU MO MG MW MY MV ML MT MH MQ '
  + 'MR MU YT MX FM MD MC MN ME MS MA MZ MM NA NR NP NL NC NZ NI NE NG NU MK MP NO OM PK PW PS PA PG PY PE PH '
  + 'PN PL PT PR QA RE RO RU RW BL SH KN LC MF PM VC WS SM ST SA SN RS SC SL SG SX SK SI SB SO ZA SS ES LK SD SR '
  + 'SE CH SY TW TJ TZ TH TL TG TK TO TT TN TR TM TC TV UG UA AE GB US UY UZ VU VE VN VG VI EH YE ZM ZW').split(' ');

export const REGIONS = ['africa', 'asia', 'europe', 'latin_america', 'caribbean', 'middle_east', 'north_america', 'oceania'];
// The value stored is the English name, as in the seed data.
export const REGION_VALUES = {
  africa: 'Africa', asia: 'Asia', europe: 'Europe', latin_america: 'Latin America', caribbean: 'Caribbean',
  middle_east: 'Middle East', north_america: 'North America', oceania: 'Oceania',
};

// Languages offered in the registration form (forum languages are listed first).
export const COMMON_LANGS = ['en', 'es', 'fr', 'pt', 'ar', 'id', 'tl', 'zh', 'hi', 'bn', 'ur', 'ne', 'sw', 'am', 'ha', 'wo', 'so', 'ru', 'tr', 'qu'];
