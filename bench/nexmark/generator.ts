/**
 * Nexmark event generator: the online-auction event model of the Nexmark benchmark (as Beam's and
 * Flink's Nexmark generators define it), deterministic from a seed.
 *
 * Facts of the model kept here (from the Beam/Flink Nexmark generator configuration):
 * - event n is a Person, an Auction or a Bid by n mod 50: 1 person, 3 auctions, 46 bids per 50;
 * - person ids start at 1000, auction ids at 1000, in the order the events are made;
 * - a bid's auction is a "hot" one (the last id rounded down to a multiple of 100) with chance
 *   1 − 1/2, else one of the ~100 auctions in flight (10 ids ahead allowed); its bidder is hot
 *   (last person id rounded down to 100, plus 1) with chance 1 − 1/4, else one of the ~1000 active
 *   people; an auction's seller is hot with chance 1 − 1/4 likewise;
 * - categories 10..14; prices are 10^(6·u)·100 rounded (cents); states AZ CA ID OR WA WY;
 * - event time grows monotonically: event n happens at base + n / rate.
 * The text fields (names, e-mail, credit card, item names, `extra`) follow the model's shapes with
 * our own choice of lengths; the record layout is Flink Nexmark's field names.
 */
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Person { id: number; name: string; emailAddress: string; creditCard: string; city: string; state: string; dateTime: string; extra: string }
export interface Auction { id: number; itemName: string; description: string; initialBid: number; reserve: number; dateTime: string; expires: string; seller: number; category: number; extra: string }
export interface Bid { auction: number; bidder: number; price: number; channel: string; url: string; dateTime: string; extra: string }
export type NexmarkEvent = { kind: "person"; person: Person } | { kind: "auction"; auction: Auction } | { kind: "bid"; bid: Bid };

export const PROPORTIONS = { person: 1, auction: 3, bid: 46 } as const;
const TOTAL = PROPORTIONS.person + PROPORTIONS.auction + PROPORTIONS.bid;
const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
const NUM_CATEGORIES = 5;
const HOT_AUCTION_RATIO = 2;
const HOT_SELLER_RATIO = 4;
const HOT_BIDDER_RATIO = 4;
/** Hot ids are the last id rounded down to a multiple of this. */
const HOT_ID_STEP = 100;
const ACTIVE_PEOPLE = 1000;
const IN_FLIGHT_AUCTIONS = 100;
const ID_LEAD = 10;
const STATES = ["AZ", "CA", "ID", "OR", "WA", "WY"];
const CITIES = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];
const FIRST_NAMES = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];
const LAST_NAMES = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];
const CHANNELS = ["Google", "Facebook", "Baidu", "Apple"];

export interface GeneratorConfig {
  readonly seed: number;
  /** Event time of event 0 (ms since the epoch). */
  readonly baseTimeMs: number;
  /** Events per second of event time. */
  readonly eventsPerSecond: number;
}
export const DEFAULT_CONFIG: GeneratorConfig = { seed: 7, baseTimeMs: Date.UTC(2026, 0, 1), eventsPerSecond: 10_000 };

/** A small seeded PRNG (splitmix32): the same seed gives the same events on every machine. */
class Random {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let z = (this.#s = (this.#s + 0x9e3779b9) >>> 0);
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  text(len: number): string {
    let s = "";
    for (let i = 0; i < len; i++) s += String.fromCharCode(97 + this.int(26));
    return s;
  }
}

/** People and auctions made before event n (n itself excluded). */
function counts(n: number): { people: number; auctions: number } {
  const epoch = Math.floor(n / TOTAL);
  const rem = n % TOTAL;
  return {
    people: epoch * PROPORTIONS.person + Math.min(rem, PROPORTIONS.person),
    auctions: epoch * PROPORTIONS.auction + Math.max(0, Math.min(rem - PROPORTIONS.person, PROPORTIONS.auction)),
  };
}

/** The events [from, to) of the stream a config describes (any range gives the same events as the whole). */
export function* events(from: number, to: number, config: GeneratorConfig = DEFAULT_CONFIG): Generator<NexmarkEvent> {
  // One generator per event keeps ranges independent: event n's values depend on (seed, n) only.
  for (let n = from; n < to; n++) {
    const r = new Random((config.seed * 0x27d4eb2d + n * 0x165667b1) >>> 0);
    r.next();
    const ms = config.baseTimeMs + Math.floor((n * 1000) / config.eventsPerSecond);
    const dateTime = new Date(ms).toISOString();
    const { people, auctions } = counts(n);
    const rem = n % TOTAL;
    const activePerson = (): number => {
      const known = Math.max(people, 1);
      const active = Math.min(known, ACTIVE_PEOPLE);
      return FIRST_PERSON_ID + known - active + r.int(active + ID_LEAD);
    };
    if (rem < PROPORTIONS.person) {
      const name = `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
      yield {
        kind: "person",
        person: {
          id: FIRST_PERSON_ID + people,
          name,
          emailAddress: `${r.text(7)}@${r.text(5)}.com`,
          creditCard: [0, 1, 2, 3].map(() => String(1000 + r.int(9000))).join(" "),
          city: r.pick(CITIES),
          state: r.pick(STATES),
          dateTime,
          extra: r.text(20 + r.int(20)),
        },
      };
    } else if (rem < PROPORTIONS.person + PROPORTIONS.auction) {
      const seller = r.int(HOT_SELLER_RATIO) > 0 ? FIRST_PERSON_ID + Math.floor(Math.max(people - 1, 0) / HOT_ID_STEP) * HOT_ID_STEP : activePerson();
      const initialBid = price(r);
      // An auction lasts about as long as IN_FLIGHT_AUCTIONS auctions take to be made, up to twice that.
      const meanLengthMs = (IN_FLIGHT_AUCTIONS * TOTAL * 1000) / PROPORTIONS.auction / config.eventsPerSecond;
      yield {
        kind: "auction",
        auction: {
          id: FIRST_AUCTION_ID + auctions,
          itemName: r.text(10),
          description: r.text(20),
          initialBid,
          reserve: initialBid + price(r),
          dateTime,
          expires: new Date(ms + Math.round(r.next() * 2 * meanLengthMs)).toISOString(),
          seller,
          category: FIRST_CATEGORY_ID + r.int(NUM_CATEGORIES),
          extra: r.text(20 + r.int(20)),
        },
      };
    } else {
      const last = Math.max(auctions - 1, 0);
      const auction =
        r.int(HOT_AUCTION_RATIO) > 0
          ? Math.floor(last / HOT_ID_STEP) * HOT_ID_STEP
          : Math.max(last - IN_FLIGHT_AUCTIONS, 0) + r.int(Math.min(last, IN_FLIGHT_AUCTIONS) + ID_LEAD);
      const bidder = r.int(HOT_BIDDER_RATIO) > 0 ? FIRST_PERSON_ID + Math.floor(Math.max(people - 1, 0) / HOT_ID_STEP) * HOT_ID_STEP + 1 : activePerson();
      const channel = r.pick(CHANNELS);
      yield {
        kind: "bid",
        bid: {
          auction: FIRST_AUCTION_ID + auction,
          bidder,
          price: price(r),
          channel,
          url: `https://nexmark/${r.text(5)}/item.htm?query=1&channel_id=${r.int(10_000)}`,
          dateTime,
          extra: r.text(10 + r.int(20)),
        },
      };
    }
  }
}

function price(r: Random): number {
  return Math.round(Math.pow(10, r.next() * 6) * 100);
}

/**
 * Writes events [0, n) as JSON lines in `dir/person`, `dir/auction` and `dir/bid`, each split into
 * `files` files by event number (file k of every stream covers the same stretch of event time), so
 * a file stream read with maxFilesPerTrigger=1 gives the same micro-batches on any engine, and
 * `dir/counts.json` with the events per stream. Returns those counts.
 */
export function writeInput(dir: string, n: number, files: number, config: GeneratorConfig = DEFAULT_CONFIG): Record<"person" | "auction" | "bid", number> {
  const total = { person: 0, auction: 0, bid: 0 };
  for (const k of ["person", "auction", "bid"] as const) mkdirSync(join(dir, k), { recursive: true });
  for (let f = 0; f < files; f++) {
    const lines = { person: [] as string[], auction: [] as string[], bid: [] as string[] };
    for (const e of events(Math.floor((f * n) / files), Math.floor(((f + 1) * n) / files), config)) {
      lines[e.kind].push(JSON.stringify(e.kind === "person" ? e.person : e.kind === "auction" ? e.auction : e.bid));
    }
    for (const k of ["person", "auction", "bid"] as const) {
      const file = join(dir, k, `part-${String(f).padStart(4, "0")}.json`);
      writeFileSync(file, lines[k].length > 0 ? lines[k].join("\n") + "\n" : "");
      // file sources list files by modification time: make it follow the file order
      const t = new Date(Date.UTC(2026, 0, 1) + f * 1000);
      utimesSync(file, t, t);
      total[k] += lines[k].length;
    }
  }
  writeFileSync(join(dir, "counts.json"), JSON.stringify(total) + "\n");
  return total;
}
