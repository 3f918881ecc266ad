import { beforeAll, describe, expect, it } from "vitest";
import { usStateRegions } from "~db/reference/us-regions";
import { buildRegionIndex, type RegionIndex, type RegionInput, resolveRegion } from "./index";

let index: RegionIndex;
beforeAll(() => {
  index = buildRegionIndex(usStateRegions());
});

const resolve = (input: Partial<RegionInput>) => resolveRegion({ text: "", ...input }, index);
const regionOf = (input: Partial<RegionInput>) => resolve(input).region;

describe("geo", () => {
  it("places points near the CA/NV border in Lake Tahoe on the right side", () => {
    // The border runs north–south along 120°W through the lake.
    expect(resolve({ lat: 39.09, lon: -120.04 })).toMatchObject({ region: "CA", method: "geo" });
    expect(resolve({ lat: 39.09, lon: -119.96 })).toMatchObject({ region: "NV", method: "geo" });
    expect(regionOf({ lat: 39.2, lon: -120.03 })).toBe("CA");
    expect(regionOf({ lat: 39.2, lon: -119.97 })).toBe("NV");
  });

  it("finds no region for a point in the ocean or in Canada, and falls through", () => {
    expect(resolve({ lat: 35, lon: -125 })).toEqual({ region: null, method: "none", confidence: 0 });
    expect(resolve({ lat: 43.65, lon: -79.38 })).toMatchObject({ region: null, method: "none" }); // Toronto
    expect(resolve({ lat: 43.65, lon: -79.38, postalCode: "93701" })).toMatchObject({
      region: "CA",
      method: "postal",
    });
  });

  it("handles Alaska (multipolygon, Aleutians west of the antimeridian) and Hawaii", () => {
    expect(regionOf({ lat: 61.22, lon: -149.9 })).toBe("AK"); // Anchorage
    expect(regionOf({ lat: 52.9, lon: 173.2 })).toBe("AK"); // Attu, east longitude
    expect(regionOf({ lat: 51.88, lon: -176.65 })).toBe("AK"); // Adak
    expect(regionOf({ lat: 21.31, lon: -157.86 })).toBe("HI"); // Honolulu, Oahu
    expect(regionOf({ lat: 19.72, lon: -155.08 })).toBe("HI"); // Hilo, Big Island
    expect(regionOf({ lat: 20, lon: -170 })).toBeNull(); // open Pacific between them
  });

  it("tells DC from Virginia and Maryland", () => {
    expect(regionOf({ lat: 38.9, lon: -77.03 })).toBe("DC");
    expect(regionOf({ lat: 38.88, lon: -77.1 })).toBe("VA"); // Arlington
    expect(regionOf({ lat: 38.99, lon: -76.93 })).toBe("MD"); // College Park
  });

  it("agrees with an independent check on a few cities", () => {
    const cities: [number, number, string][] = [
      [36.74, -119.78, "CA"],
      [40.78, -73.97, "NY"],
      [41.88, -87.62, "IL"],
      [29.76, -95.37, "TX"],
      [47.61, -122.33, "WA"],
      [25.77, -80.19, "FL"],
      [39.74, -104.99, "CO"],
    ];
    for (const [lat, lon, state] of cities) expect(regionOf({ lat, lon }), `${lat},${lon}`).toBe(state);
  });

  it("ignores coordinates that are not numbers or out of range", () => {
    expect(resolve({ lat: Number.NaN, lon: -119.78 }).method).toBe("none");
    expect(resolve({ lat: 36.74, lon: null }).method).toBe("none");
    expect(resolve({ lat: 136.74, lon: -119.78 }).method).toBe("none");
  });
});

describe("postal", () => {
  it("accepts ZIP, ZIP+4 and ZIPs with leading zeros", () => {
    expect(resolve({ postalCode: "93701" })).toMatchObject({
      region: "CA",
      method: "postal",
      confidence: 0.9,
    });
    expect(resolve({ postalCode: "93701-1234" })).toMatchObject({ region: "CA", method: "postal" });
    expect(resolve({ postalCode: "937011234" })).toMatchObject({ region: "CA", method: "postal" });
    expect(resolve({ postalCode: "02139" })).toMatchObject({ region: "MA", place: "02139 → Cambridge, MA" });
    expect(resolve({ postalCode: "00501" }).region).toBe("NY"); // Holtsville IRS, the lowest ZIP
    expect(resolve({ postalCode: "20500" }).region).toBe("DC");
    expect(resolve({ postalCode: "99501" }).region).toBe("AK");
    expect(resolve({ postalCode: "96813" }).region).toBe("HI");
  });

  it("repairs a ZIP that lost its leading zero, with less confidence", () => {
    const r = resolve({ postalCode: "2139" });
    expect(r).toMatchObject({ region: "MA", method: "postal" });
    expect(r.confidence).toBeLessThan(0.9);
  });

  it("does not force invalid, unknown or foreign codes into a state", () => {
    for (const postalCode of [
      "00000",
      "99999",
      "1234",
      "123",
      "ABCDE",
      "K1A 0B1",
      "M5V 3L9",
      "SW1A 1AA",
      "9370",
    ]) {
      expect(resolve({ postalCode }), postalCode).toMatchObject({ region: null, method: "none" });
    }
  });

  it("uses a location that is only a ZIP", () => {
    expect(resolve({ location: "93701" })).toMatchObject({ region: "CA", method: "postal" });
  });
});

describe("place in the location", () => {
  it.each([
    ["Fresno, CA", "CA"],
    ["Portland, ME", "ME"],
    ["Portland", "OR"],
    ["portland oregon", "OR"],
    ["Springfield IL", "IL"],
    ["Kansas City, KS", "KS"],
    ["Kansas City KS", "KS"],
    ["Kansas City", "MO"],
    ["Columbus", "OH"],
    ["NYC", "NY"],
    ["New York, NY", "NY"],
    ["Brooklyn, NY", "NY"],
    ["California", "CA"],
    ["CA", "CA"],
    ["Cali", "CA"],
    ["SoCal", "CA"],
    ["Bay Area", "CA"],
    ["LA", "CA"],
    ["Baton Rouge, LA", "LA"],
    ["Texas, USA", "TX"],
    ["Houston | Dallas", "TX"],
    ["Washington, DC", "DC"],
    ["D.C.", "DC"],
    ["Vancouver, WA", "WA"],
    ["Paris, TX", "TX"],
    ["Ontario, CA", "CA"],
    ["San José, CA", "CA"],
    ["St. Louis", "MO"],
    ["Nome, Alaska", "AK"],
    ["OK", "OK"],
  ])("%s → %s", (location, region) => {
    const r = resolve({ location });
    expect(r).toMatchObject({ region, method: "place" });
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
  });

  it.each([
    "Earth",
    "everywhere",
    "Planet Earth",
    "the internet",
    "Worldwide 🌍",
    "she/her",
    "me",
    "hi",
    "ok",
    "in",
    "Springfield", // Missouri, Massachusetts, Illinois... no name is likely enough alone
    "Toronto, ON",
    "Toronto",
    "Paris",
    "London",
    "Vancouver", // Vancouver BC outweighs Vancouver WA
    "Tbilisi, Georgia",
    "Ontario",
    "Mexico",
    "Seattle → Austin", // two different states: ambiguous
  ])("%s → none", (location) => {
    expect(resolve({ location })).toMatchObject({ region: null, method: "none" });
  });

  it("is more confident with a state than from the population prior", () => {
    const qualified = resolve({ location: "Portland, OR" });
    const prior = resolve({ location: "Portland" });
    expect(qualified.region).toBe("OR");
    expect(prior.region).toBe("OR");
    expect(prior.confidence).toBeLessThan(qualified.confidence);
  });

  it("explains what it matched", () => {
    expect(resolve({ location: "portland oregon" }).place).toBe("location: portland oregon → Portland, OR");
  });
});

describe("place in the text", () => {
  it.each([
    ["Power out in springfield il", "IL"],
    ["Power out in Springfield IL since 6", "IL"],
    ["Fresno, CA is dark again", "CA"],
    ["Kansas City, KS no power", "KS"],
    ["Kansas City KS no power", "KS"],
    ["#Sacramento outage again", "CA"],
    ["Outage hitting #KansasCity", "MO"],
    ["no power in Reno since noon", "NV"],
    ["no power in reno since noon", "NV"],
    ["power out in downtown Reno", "NV"],
    ["NYC subway wifi down", "NY"],
    ["in the Bronx no power", "NY"],
    ["Whole street dark in Tulsa, OK", "OK"],
    ["In Mobile, AL the power is out", "AL"],
    ["Power out in Salem, OR", "OR"],
    ["Power out in Portland OR", "OR"],
    ["portland oregon outage", "OR"],
    ["Portland, ME outage", "ME"],
    ["outage in TX", "TX"],
    ["wifi down in LA", "CA"],
    ["power outage all over California", "CA"],
    ["#Texas grid down again", "TX"],
    ["Washington D.C. power outage", "DC"],
    ["outage in San José, CA", "CA"],
    ["Los Angeles is dark", "CA"],
  ])("%s → %s", (text, region) => {
    expect(resolve({ text })).toMatchObject({ region, method: "place" });
  });

  it.each([
    "I'm in ok shape",
    "hi there",
    "me too",
    "Hi, ME here",
    "OK so the power is out",
    "Thanks, OK",
    "I'm in OR",
    "POWER OUT IN SPRINGFIELD IN MY AREA", // all caps: "IN" is not Indiana
    "Power out in springfield", // ambiguous
    "Jackson outage again",
    "Outage in Mobile app",
    "Orange County outage",
    "Phoenix Suns game, lights out",
    "Houston we have a problem",
    "Power out in Paris",
    "#OR outage",
    "#hope",
    "@RenoPower where is my power",
    "check https://reno.gov/outage",
    "The internet is down in Washington",
    "Moving from Denver to Reno, power out",
    "Power's out in Portland, ME and Portland, OR",
    "Salem or Springfield, who knows", // lower-case "or" is a word
    "power outage in ma house",
  ])("%s → none", (text) => {
    expect(resolve({ text })).toMatchObject({ region: null, method: "none" });
  });

  it("weighs the population prior: Portland alone is Oregon, less surely than with the state", () => {
    const alone = resolve({ text: "no power in Portland" });
    const withState = resolve({ text: "no power in Portland, OR" });
    expect(alone.region).toBe("OR");
    expect(alone.confidence).toBeLessThan(withState.confidence);
  });

  it("a state written after the city takes precedence over the prior", () => {
    expect(regionOf({ text: "no power in Portland, ME" })).toBe("ME");
    expect(regionOf({ text: "no power in Kansas City KS" })).toBe("KS");
    expect(regionOf({ text: "no power in Kansas City" })).toBe("MO");
    expect(regionOf({ text: "Columbus, GA outage" })).toBe("GA");
    expect(regionOf({ text: "outage in Columbus" })).toBe("OH");
  });

  it("combines location and text: agreement raises confidence, an explicit city in the text wins", () => {
    const both = resolve({ location: "Fresno, CA", text: "no power in Fresno" });
    const alone = resolve({ location: "Fresno, CA", text: "no power" });
    expect(both.region).toBe("CA");
    expect(both.confidence).toBeGreaterThan(alone.confidence);
    const conflict = resolve({ location: "Brooklyn, NY", text: "visiting mom, power out in Fresno, CA" });
    expect(conflict.region).toBe("CA");
    expect(conflict.confidence).toBeLessThan(0.8);
    expect(regionOf({ location: "Brooklyn, NY", text: "power out, also in Reno" })).toBe("NY");
  });
});

describe("time zone", () => {
  it("America/Phoenix → AZ with low confidence", () => {
    const r = resolve({ timeZone: "America/Phoenix" });
    expect(r).toMatchObject({ region: "AZ", method: "timezone", place: "America/Phoenix" });
    expect(r.confidence).toBeLessThanOrEqual(0.3);
  });

  it.each([
    ["America/Boise", "ID"],
    ["America/Detroit", "MI"],
    ["America/Indiana/Knox", "IN"],
    ["America/Kentucky/Louisville", "KY"],
    ["America/Anchorage", "AK"],
    ["Pacific/Honolulu", "HI"],
    ["US/Arizona", "AZ"],
    ["Arizona", "AZ"],
    ["america/phoenix", "AZ"],
  ])("%s → %s", (timeZone, region) => {
    expect(resolve({ timeZone })).toMatchObject({ region, method: "timezone" });
  });

  it.each([
    "America/New_York",
    "America/Los_Angeles",
    "America/Chicago",
    "America/Denver",
    "Eastern Time (US & Canada)",
    "Europe/London",
    "America/Toronto",
    "America/Puerto_Rico",
    "Not/AZone",
  ])("%s alone → none (shared by several states, or not a state's)", (timeZone) => {
    expect(resolve({ timeZone })).toMatchObject({ region: null, method: "none" });
  });

  it("a UTC offset resolves only when one state's zones show it", () => {
    expect(resolve({ utcOffsetMinutes: -600 })).toMatchObject({ region: "HI", method: "timezone" });
    expect(resolve({ utcOffsetMinutes: -540 })).toMatchObject({ region: "AK", method: "timezone" });
    for (const utcOffsetMinutes of [-300, -360, -420, -480, 0, 60]) {
      expect(resolve({ utcOffsetMinutes }).region, String(utcOffsetMinutes)).toBeNull();
    }
  });

  it("narrows ambiguous place names", () => {
    expect(regionOf({ location: "Portland", timeZone: "America/New_York" })).toBe("ME");
    expect(regionOf({ location: "Portland", timeZone: "America/Los_Angeles" })).toBe("OR");
    expect(regionOf({ text: "outage in Kansas City", timeZone: "America/Chicago" })).toBe("MO");
  });
});

describe("method order", () => {
  it("geo beats a conflicting postal code, place and zone", () => {
    expect(
      resolve({
        lat: 36.74,
        lon: -119.78,
        postalCode: "10001",
        location: "Portland, ME",
        text: "outage in Reno",
        timeZone: "America/Phoenix",
      }),
    ).toMatchObject({ region: "CA", method: "geo" });
  });

  it("postal beats place and zone", () => {
    expect(
      resolve({
        postalCode: "10001",
        location: "Portland, ME",
        text: "in Reno",
        timeZone: "America/Phoenix",
      }),
    ).toMatchObject({ region: "NY", method: "postal" });
  });

  it("place beats zone; zone is the last resort", () => {
    expect(resolve({ location: "Portland, ME", timeZone: "America/Phoenix" })).toMatchObject({
      region: "ME",
      method: "place",
    });
    expect(resolve({ location: "Earth", text: "no power", timeZone: "America/Phoenix" })).toMatchObject({
      region: "AZ",
      method: "timezone",
    });
  });

  it("each method that cannot answer falls through to the next", () => {
    expect(
      resolve({
        lat: 35,
        lon: -125,
        postalCode: "K1A 0B1",
        location: "Springfield",
        timeZone: "America/Boise",
      }),
    ).toMatchObject({ region: "ID", method: "timezone" });
  });

  it("a complaint with nothing to go on gets region null and method none", () => {
    expect(resolve({ text: "my internet is down again!!" })).toEqual({
      region: null,
      method: "none",
      confidence: 0,
    });
  });
});

describe("custom regions (an organisation's service areas)", () => {
  // Two service areas splitting California at 37°N, plus one around the date line.
  const rect = (x0: number, y0: number, x1: number, y1: number) => ({
    type: "Polygon" as const,
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  });
  let custom: RegionIndex;
  beforeAll(() => {
    custom = buildRegionIndex([
      {
        code: "north",
        name: "North",
        geometry: rect(-125, 37, -114, 42.5),
        bbox: [-125, 37, -114, 42.5],
        timeZones: ["America/Los_Angeles"],
      },
      {
        code: "south",
        name: "South",
        geometry: rect(-125, 32, -114, 37),
        bbox: [-125, 32, -114, 37],
        timeZones: ["America/Los_Angeles"],
      },
      {
        code: "aleut",
        name: "Aleutians",
        geometry: rect(170, 50, 190, 56),
        bbox: [170, 50, 190, 56],
        timeZones: ["America/Adak"],
      },
    ]);
  });
  const custom_ = (input: Partial<RegionInput>) => resolveRegion({ text: "", ...input }, custom);

  it("is not keyed by state code", () => {
    expect(custom.byStateCode).toBe(false);
    expect(index.byStateCode).toBe(true);
  });

  it("places points, ZIP centroids and cities in the polygons", () => {
    expect(custom_({ lat: 38.58, lon: -121.49 })).toMatchObject({ region: "north", method: "geo" });
    expect(custom_({ postalCode: "93701" })).toMatchObject({ region: "south", method: "postal" }); // Fresno 36.75°N
    expect(custom_({ postalCode: "95814" })).toMatchObject({ region: "north", method: "postal" }); // Sacramento
    expect(custom_({ location: "Sacramento, CA" })).toMatchObject({ region: "north", method: "place" });
    expect(custom_({ text: "no power in Fresno" })).toMatchObject({ region: "south", method: "place" });
    expect(custom_({ lat: 52, lon: -179.5 })).toMatchObject({ region: "aleut", method: "geo" });
    expect(custom_({ lat: 52, lon: 175 })).toMatchObject({ region: "aleut", method: "geo" });
  });

  it("is less sure of a ZIP placed by its centroid than of one mapped by state", () => {
    expect(custom_({ postalCode: "93701" }).confidence).toBeLessThan(
      resolve({ postalCode: "93701" }).confidence,
    );
  });

  it("does not force places outside every area, or a state named alone, into an area", () => {
    expect(custom_({ postalCode: "10001" }).region).toBeNull();
    expect(custom_({ location: "Portland, ME" }).region).toBeNull();
    expect(custom_({ location: "California" }).region).toBeNull();
    expect(custom_({ lat: 40.78, lon: -73.97 }).region).toBeNull();
  });

  it("uses a zone only when one area lists it", () => {
    expect(custom_({ timeZone: "America/Los_Angeles" }).region).toBeNull();
    expect(custom_({ timeZone: "America/Adak" })).toMatchObject({ region: "aleut", method: "timezone" });
    expect(custom_({ timeZone: "America/Phoenix" }).region).toBeNull();
  });
});
