import { describe, expect, it } from "vitest";
import { PageCache, pagesCovering } from "./pages";

describe("pagesCovering", () => {
  it.each([
    [0, 0, [0]],
    [0, 99, [0]],
    [99, 100, [0, 1]],
    [250, 420, [2, 3, 4]],
    [-5, 10, [0]],
    [10, 5, []],
  ])("rows %i..%i need pages %j", (first, last, want) => {
    expect(pagesCovering(first, last, 100)).toEqual(want);
  });
});

describe("PageCache", () => {
  it("claims each missing page once until it is filled or released", () => {
    const cache = new PageCache<string>(10);
    expect(cache.claim(0, 25)).toEqual([0, 1, 2]);
    expect(cache.claim(0, 25)).toEqual([]);
    cache.fill(
      1,
      Array.from({ length: 10 }, (_, i) => `r${10 + i}`),
      cache.generation,
    );
    cache.release(2, cache.generation);
    expect(cache.claim(0, 25)).toEqual([2]);
    expect(cache.row(13)).toBe("r13");
    expect(cache.row(3)).toBeUndefined();
  });

  it("drops a page that answers for a query that was replaced", () => {
    const cache = new PageCache<string>(10);
    const old = cache.generation;
    cache.claim(0, 9);
    cache.reset();
    expect(cache.fill(0, ["stale"], old)).toBe(false);
    expect(cache.row(0)).toBeUndefined();
    expect(cache.claim(0, 9)).toEqual([0]);
  });
});
