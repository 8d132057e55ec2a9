import type { MatchRecord } from "./match-record.js";
import { seededRandom } from "./seeded-random.js";

// Pools are small on purpose: repeated surnames and trade words give the true non-matches with similar
// names ("Smith Plumbing" and "Smith Plumbing & Heating", two John Smiths) that matching must not join.
const GIVEN = (
  "james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph jessica " +
  "thomas sarah charles karen christopher nancy daniel lisa matthew betty anthony margaret mark sandra donald ashley " +
  "steven kimberly paul emily andrew donna joshua michelle kenneth dorothy kevin carol brian amanda george melissa " +
  "timothy deborah ronald stephanie edward rebecca jason sharon jeffrey laura ryan cynthia jacob kathleen gary amy " +
  "nicholas angela eric shirley jonathan anna stephen brenda larry pamela justin emma scott nicole brandon helen " +
  "benjamin samantha samuel katherine gregory christine alexander debra frank rachel patrick carolyn raymond janet " +
  "jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie adam olivia nathan joyce henry virginia " +
  "zoe renee chloe andre noel ines rene celine joel"
).split(" ");
const ACCENTED: Record<string, string> = {
  jose: "José",
  zoe: "Zoë",
  renee: "Renée",
  chloe: "Chloé",
  andre: "André",
  noel: "Noël",
  ines: "Inés",
  rene: "René",
  celine: "Céline",
  joel: "Joël",
  muller: "Müller",
  pena: "Peña",
  garcia: "García",
  lopez: "López",
  martinez: "Martínez",
};
const FAMILY = (
  "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson " +
  "thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young " +
  "allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter " +
  "roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers " +
  "gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez " +
  "wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez " +
  "powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez simmons romero " +
  "jordan patterson alexander hamilton graham reynolds griffin wallace moreno west cole hayes bryant herrera gibson " +
  "ellis tran medina aguilar stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington " +
  "kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez " +
  "silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox " +
  "warren mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn " +
  "kelley spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight elliott cunningham duncan " +
  "armstrong hudson carroll lane riley andrews alvarado ray delgado berry perkins hoffman johnston matthews pena " +
  "richards willis carpenter lawrence sandoval guerrero george chapman rios estrada ortega watkins greene nunez wheeler " +
  "valdez harper burke larson santiago maldonado morrison franklin carlson austin dominguez carr lawson jacobs obrien " +
  "lynch singh vega bishop montgomery oliver jensen harvey williamson gilbert dean sims espinoza howell li wong reid " +
  "hanson le mccoy garrett burton fuller wang weber welch rojas lucas marquez fields park yang little banks padilla " +
  "day walsh bowman schultz luna fowler mejia davidson acosta brewer may holland juarez newman pearson curtis cortez " +
  "douglas schneider joseph barrett navarro figueroa keller avila wade molina stanley hopkins campos barnett bates " +
  "chambers caldwell beck lambert miranda byrd craig ayala lowe frazier powers neal leonard gregory carrillo sutton " +
  "fleming rhodes shelton schwartz norris jennings watts duran walters cohen mcdaniel moran parks steele vaughn becker " +
  "holt deleon barker terry hale leon hail benson haynes horton miles lyons pham graves bush thornton wolfe warner " +
  "cabrera mckinney mann zimmerman dawson lara fletcher page mccarthy love robles cervantes solis erickson reeves " +
  "chang klein salinas fuentes baldwin daniel simon velasquez hardy higgins aguirre lin cummings chandler sharp " +
  "barber bowen ochoa dennis robbins liu ramsey francis griffith paul blair oconnor cardenas pacheco cross calderon " +
  "quinn moss swanson chan rivas khan rodgers serrano fitzgerald rosales stevenson christensen manning gill curry " +
  "mclaughlin harmon mcgee gross doyle garner newton burgess reese walton blake trujillo adkins brady goodman roman " +
  "webster goodwin fischer huang potter delacruz montoya todd wu hines mullins castaneda malone cannon tate mack " +
  "sherman hubbard hodges zhang guerra wolf valencia saunders franco rowe gallagher farmer hammond hampton townsend " +
  "ingram wise gallegos clarke barton schroeder maxwell waters logan camacho strickland norman person colon parsons muller"
).split(" ");
const TRADES = (
  "plumbing heating electric roofing landscaping painting cleaning construction carpentry flooring hvac pest-control " +
  "pool-service glass masonry fencing paving locksmith appliance-repair tree-service septic drywall insulation " +
  "solar welding moving catering dental veterinary accounting"
).split(" ");
const ADJECTIVES = (
  "pacific atlantic golden silver summit premier elite reliable superior quality apex pioneer liberty eagle national " +
  "coastal valley mountain river northern southern eastern western central metro urban rapid precision advanced " +
  "allied american united royal crown diamond evergreen green blue red oak pine cedar maple granite ironwood keystone " +
  "lakeside harbor bayside sunrise sunset heritage"
).split(" ");
const NOUNS =
  "services solutions group partners brothers and-sons associates works specialists pros company systems".split(
    " ",
  );
const LEGAL = ["Inc", "Inc.", "LLC", "L.L.C.", "Ltd", "Co", "Corp", "Corporation", "Incorporated", "Company"];
const STREETS = (
  "main oak pine maple cedar elm washington lake hill park view sunset lincoln jackson franklin jefferson madison " +
  "church spring ridge meadow forest river highland mill walnut cherry willow center chestnut laurel orchard prospect " +
  "broad market water union bridge liberty school railroad academy cottage grove hickory birch sycamore magnolia " +
  "dogwood aspen poplar juniper holly hawthorn heather clover valley canyon mesa summit harbor bay shore ocean beach " +
  "colonial heritage pioneer frontier country fairview belmont glenwood kingston stratford windsor"
).split(" ");
const STREET_TYPES: [string, string][] = [
  ["Street", "St"],
  ["Avenue", "Ave"],
  ["Road", "Rd"],
  ["Boulevard", "Blvd"],
  ["Drive", "Dr"],
  ["Lane", "Ln"],
  ["Court", "Ct"],
  ["Place", "Pl"],
  ["Parkway", "Pkwy"],
  ["Way", "Way"],
  ["Circle", "Cir"],
  ["Terrace", "Ter"],
];
const DIRECTIONS: [string, string][] = [
  ["North", "N"],
  ["South", "S"],
  ["East", "E"],
  ["West", "W"],
];
const CITIES: [string, string][] = [
  ["Springfield", "IL"],
  ["Riverside", "CA"],
  ["Franklin", "TN"],
  ["Greenville", "SC"],
  ["Bristol", "CT"],
  ["Clinton", "IA"],
  ["Fairview", "OR"],
  ["Salem", "MA"],
  ["Madison", "WI"],
  ["Georgetown", "TX"],
  ["Arlington", "VA"],
  ["Ashland", "OR"],
  ["Dover", "DE"],
  ["Oxford", "MS"],
  ["Jackson", "MS"],
  ["Burlington", "VT"],
  ["Manchester", "NH"],
  ["Milton", "MA"],
  ["Newport", "RI"],
  ["Auburn", "AL"],
  ["Dayton", "OH"],
  ["Lexington", "KY"],
  ["Marion", "IN"],
  ["Oakland", "CA"],
  ["Austin", "TX"],
  ["Denver", "CO"],
  ["Portland", "OR"],
  ["Boise", "ID"],
  ["Tucson", "AZ"],
  ["Reno", "NV"],
];
const FREE_MAIL = [
  "gmail.com",
  "yahoo.com",
  "outlook.com",
  "hotmail.com",
  "icloud.com",
  "aol.com",
  "comcast.net",
];

export interface SyntheticOptions {
  /** How many distinct customers (before sites are added). */
  entities: number;
  seed: number;
  /** Share of customers present on both sides; the rest are on one side only (default 0.7). */
  bothSides?: number;
  /** Share of businesses with job sites (sub-customers) (default 0.08). */
  withSites?: number;
}

export interface SyntheticCustomers {
  local: MatchRecord[];
  qbo: MatchRecord[];
  /** The true pairs: local id → QBO id. */
  truth: Map<string, string>;
}

interface Entity {
  kind: "person" | "business";
  name: string;
  given?: string;
  middle?: string;
  family?: string;
  legal?: string;
  email?: string;
  phone: string;
  street: { number: number; dir?: number; name: string; type: number; unit?: string };
  city: number;
  zip: string;
  parent?: Entity;
}

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
const titleWord = (w: string): string => ACCENTED[w] ?? w.split("-").map(cap).join(" ");
const slug = (s: string): string => s.toLowerCase().replace(/[^a-z]/g, "");

function phoneDigits(rnd: Rnd): string {
  const area = 200 + Math.floor(rnd() * 800);
  const exchange = 200 + Math.floor(rnd() * 800);
  const line = Math.floor(rnd() * 10000);
  return `${area}${exchange}${String(line).padStart(4, "0")}`;
}

function makeAddress(rnd: Rnd): Pick<Entity, "street" | "city" | "zip"> {
  const street: Entity["street"] = {
    number: 1 + Math.floor(rnd() * 9999),
    name: pick(rnd, STREETS),
    type: Math.floor(rnd() * STREET_TYPES.length),
  };
  if (rnd() < 0.15) street.dir = Math.floor(rnd() * DIRECTIONS.length);
  if (rnd() < 0.15) street.unit = String(1 + Math.floor(rnd() * 400));
  return { street, city: Math.floor(rnd() * CITIES.length), zip: String(10000 + Math.floor(rnd() * 89999)) };
}

function makePerson(rnd: Rnd): Entity {
  const given = pick(rnd, GIVEN);
  const family = pick(rnd, FAMILY);
  const e: Entity = {
    kind: "person",
    name: `${titleWord(given)} ${titleWord(family)}`,
    given,
    family,
    phone: phoneDigits(rnd),
    ...makeAddress(rnd),
  };
  if (rnd() < 0.3) e.middle = String.fromCharCode(65 + Math.floor(rnd() * 26));
  if (rnd() < 0.85) {
    const n = rnd() < 0.3 ? String(Math.floor(rnd() * 99)) : "";
    e.email = `${given}${rnd() < 0.5 ? "." : ""}${family}${n}@${pick(rnd, FREE_MAIL)}`;
  }
  return e;
}

function makeBusiness(rnd: Rnd): Entity {
  const r = rnd();
  const words =
    r < 0.4
      ? [titleWord(pick(rnd, FAMILY)), titleWord(pick(rnd, TRADES))]
      : r < 0.75
        ? [titleWord(pick(rnd, ADJECTIVES)), titleWord(pick(rnd, TRADES)), titleWord(pick(rnd, NOUNS))]
        : [titleWord(pick(rnd, FAMILY)), "&", titleWord(pick(rnd, FAMILY))];
  const base = words.join(" ");
  const e: Entity = { kind: "business", name: base, phone: phoneDigits(rnd), ...makeAddress(rnd) };
  if (rnd() < 0.5) e.legal = pick(rnd, LEGAL);
  if (rnd() < 0.85)
    e.email = `${pick(rnd, ["info", "office", "accounts", "billing", "admin"])}@${slug(base)}${rnd() < 0.3 ? Math.floor(rnd() * 99) : ""}.com`;
  return e;
}

/** A different customer whose name looks like `e`'s: same person name, or the business name with a word more. */
function lookalike(rnd: Rnd, e: Entity): Entity {
  const other = e.kind === "person" ? makePerson(rnd) : makeBusiness(rnd);
  if (e.kind === "person") {
    other.name = e.name;
    if (e.given !== undefined) other.given = e.given;
    if (e.family !== undefined) other.family = e.family;
  } else {
    other.name =
      rnd() < 0.5
        ? `${e.name} ${titleWord(pick(rnd, TRADES))}`
        : e.name.replace(/\w+$/, titleWord(pick(rnd, NOUNS)));
    if (rnd() < 0.3) other.zip = e.zip; // same town
    if (rnd() < 0.3) other.city = e.city;
  }
  return other;
}

function makeSite(rnd: Rnd, parent: Entity, k: number): Entity {
  const site: Entity = { kind: "business", name: "", phone: parent.phone, ...makeAddress(rnd), parent };
  if (parent.email !== undefined) site.email = parent.email; // sites share the corporate mailbox
  site.city = parent.city;
  const st = site.street;
  site.name =
    rnd() < 0.5
      ? `${st.number} ${titleWord(st.name)} ${STREET_TYPES[st.type]![0]}`
      : `${parent.name} - ${CITIES[site.city]![0]} ${k + 1}`;
  return site;
}

function typo(rnd: Rnd, s: string): string {
  if (s.length < 4) return s;
  const i = 1 + Math.floor(rnd() * (s.length - 2));
  const r = rnd();
  if (r < 0.33) return s.slice(0, i) + s.charAt(i + 1) + s.charAt(i) + s.slice(i + 2); // transpose
  if (r < 0.66) return s.slice(0, i) + s.slice(i + 1); // drop
  return s.slice(0, i) + String.fromCharCode(97 + Math.floor(rnd() * 26)) + s.slice(i + 1); // substitute
}

/** Renders one side's record of an entity, with the variations people and systems introduce. */
function render(rnd: Rnd, e: Entity, id: string, parentId: string | undefined, noisy: boolean): MatchRecord {
  const vary = (prob: number): boolean => noisy && rnd() < prob;
  let name = e.name;
  if (e.kind === "person") {
    const given = titleWord(e.given!);
    const family = titleWord(e.family!);
    const middle = e.middle !== undefined && !vary(0.5) ? ` ${e.middle}${rnd() < 0.5 ? "." : ""}` : "";
    name = vary(0.15) ? `${family}, ${given}${middle}` : `${given}${middle} ${family}`;
    if (vary(0.1)) name = `${pick(rnd, ["Mr.", "Mrs.", "Ms.", "Dr."])} ${name}`;
    if (vary(0.1)) name = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  } else {
    if (name.includes("&") && vary(0.3)) name = name.replace("&", "and");
    if (e.legal !== undefined && !vary(0.3))
      name = `${name}${rnd() < 0.3 ? "," : ""} ${noisy && rnd() < 0.3 ? pick(rnd, LEGAL) : e.legal}`;
    else if (e.legal === undefined && vary(0.1)) name = `${name} ${pick(rnd, LEGAL)}`;
  }
  if (vary(0.1)) name = rnd() < 0.5 ? name.toUpperCase() : name.toLowerCase();
  if (vary(0.12)) name = typo(rnd, name);
  if (vary(0.05)) name = `${name}  `;
  const r: MatchRecord = { id, name: name.trim(), active: true };
  if (noisy && e.parent === undefined && rnd() < 0.03) {
    r.name = `${r.name} (deleted)`; // QBO's inactive-name suffix
    r.active = false;
  }
  if (parentId !== undefined) r.parentId = parentId;
  if (e.kind === "business") r.companyName = e.name;
  else {
    r.givenName = titleWord(e.given!);
    r.familyName = titleWord(e.family!);
  }
  if (e.email !== undefined && !vary(0.15)) {
    let email = e.email;
    if (vary(0.2)) email = email.toUpperCase();
    if (vary(0.2) && /@(gmail|outlook|icloud)/.test(email)) email = email.replace("@", "+billing@");
    r.email = email;
  }
  if (!vary(0.15)) {
    const d = vary(0.04) ? phoneDigits(rnd) : e.phone;
    const a = d.slice(0, 3);
    const b = d.slice(3, 6);
    const c = d.slice(6);
    const formats = [
      `(${a}) ${b}-${c}`,
      `${a}-${b}-${c}`,
      `${a}.${b}.${c}`,
      `+1 ${a} ${b} ${c}`,
      d,
      `1-${a}-${b}-${c}`,
    ];
    r.phone = noisy ? pick(rnd, formats) + (rnd() < 0.05 ? ` x${Math.floor(rnd() * 500)}` : "") : formats[0]!;
  }
  if (!vary(0.12)) {
    const moved = vary(0.03);
    const { street: st, city, zip } = moved ? makeAddress(rnd) : e;
    const [long, short] = STREET_TYPES[st.type]!;
    const type = noisy && rnd() < 0.5 ? short : long;
    const dir =
      st.dir === undefined
        ? ""
        : `${noisy && rnd() < 0.5 ? DIRECTIONS[st.dir]![1] : DIRECTIONS[st.dir]![0]} `;
    let line1 = `${st.number} ${dir}${titleWord(st.name)} ${type}`;
    if (st.unit !== undefined && !vary(0.3))
      line1 += noisy
        ? pick(rnd, [` Apt ${st.unit}`, ` #${st.unit}`, ` Unit ${st.unit}`, ` Suite ${st.unit}`])
        : ` Apt ${st.unit}`;
    if (vary(0.05)) line1 = typo(rnd, line1);
    const [cityName, region] = CITIES[city]!;
    r.address = {
      line1,
      city: cityName,
      region,
      postalCode: vary(0.2) ? `${zip}-${String(Math.floor(rnd() * 9999)).padStart(4, "0")}` : zip,
    };
  }
  return r;
}

/**
 * Generates labelled local/QBO customer lists with the variations matching must see through: case,
 * punctuation, accents, "&"/"and", legal suffixes, "Last, First", middle initials, honorifics, email
 * case and plus-tags, phone formats and extensions, USPS abbreviations, units, ZIP+4, QBO's
 * " (deleted)" suffix, typos and missing fields; plus shared corporate emails, parent/child job sites,
 * customers on one side only, and true non-matches with look-alike names. Deterministic per seed.
 */
export function generateSyntheticCustomers(options: SyntheticOptions): SyntheticCustomers {
  const rnd = seededRandom(options.seed);
  const bothSides = options.bothSides ?? 0.7;
  const withSites = options.withSites ?? 0.08;
  const local: MatchRecord[] = [];
  const qbo: MatchRecord[] = [];
  const truth = new Map<string, string>();
  let nextId = 1;
  const place = (
    e: Entity,
    parentIds: { local?: string; qbo?: string } | undefined,
    forceBoth?: boolean,
  ): { local?: string; qbo?: string } => {
    const r = rnd();
    const onBoth = forceBoth ?? r < bothSides;
    const onLocal = onBoth || r < bothSides + (1 - bothSides) / 2;
    const onQbo = onBoth || !onLocal;
    const n = nextId++;
    const ids: { local?: string; qbo?: string } = {};
    // A child can only be placed on a side where its parent exists.
    if (onLocal && (parentIds === undefined || parentIds.local !== undefined)) {
      ids.local = `L${n}`;
      local.push(render(rnd, e, ids.local, parentIds?.local, false));
    }
    if (onQbo && (parentIds === undefined || parentIds.qbo !== undefined)) {
      ids.qbo = `Q${n}`;
      qbo.push(render(rnd, e, ids.qbo, parentIds?.qbo, true));
    }
    if (ids.local !== undefined && ids.qbo !== undefined) truth.set(ids.local, ids.qbo);
    return ids;
  };
  let made = 0;
  while (made < options.entities) {
    const e = rnd() < 0.4 ? makePerson(rnd) : makeBusiness(rnd);
    const ids = place(e, undefined);
    made++;
    if (e.kind === "business" && rnd() < withSites) {
      const sites = 2 + Math.floor(rnd() * 4);
      for (let k = 0; k < sites; k++) place(makeSite(rnd, e, k), ids, rnd() < 0.85 ? true : undefined);
    }
    if (made < options.entities && rnd() < 0.1) {
      place(lookalike(rnd, e), undefined);
      made++;
    }
  }
  return { local, qbo, truth };
}

export interface SyntheticDuplicates {
  records: MatchRecord[];
  /** Record id → the id of the true customer it stands for (equal values = duplicates). */
  entityOf: Map<string, string>;
}

/**
 * One side's customer list with labelled duplicates: each customer appears once, and with probability
 * `duplicateRate` (default 0.1) once or twice more with the same variations as in
 * generateSyntheticCustomers; look-alike different customers are mixed in. Deterministic per seed.
 */
export function generateSyntheticDuplicates(options: {
  entities: number;
  seed: number;
  duplicateRate?: number;
}): SyntheticDuplicates {
  const rnd = seededRandom(options.seed);
  const rate = options.duplicateRate ?? 0.1;
  const records: MatchRecord[] = [];
  const entityOf = new Map<string, string>();
  let next = 1;
  const emit = (e: Entity, entityId: string): void => {
    const copies = rnd() < rate ? (rnd() < 0.8 ? 2 : 3) : 1;
    for (let c = 0; c < copies; c++) {
      const id = `C${next++}`;
      records.push(render(rnd, e, id, undefined, c > 0));
      entityOf.set(id, entityId);
    }
  };
  for (let k = 0; k < options.entities; k++) {
    const e = rnd() < 0.4 ? makePerson(rnd) : makeBusiness(rnd);
    emit(e, `E${k}`);
    if (rnd() < 0.1) emit(lookalike(rnd, e), `E${k}b`);
  }
  return { records, entityOf };
}
