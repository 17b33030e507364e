// Which pages of a long list to fetch, and what is already loaded. Pure, so it is tested without a DOM.

export const PAGE_SIZE = 100;

/** The page numbers that hold rows `first..=last`. */
export function pagesCovering(first: number, last: number, pageSize = PAGE_SIZE): number[] {
  if (last < first || last < 0) return [];
  const from = Math.floor(Math.max(0, first) / pageSize);
  const to = Math.floor(last / pageSize);
  const pages: number[] = [];
  for (let p = from; p <= to; p++) pages.push(p);
  return pages;
}

/**
 * Loaded pages of one query. `reset` starts a new generation: answers to requests made for an older
 * query are dropped, so a slow page can never paint rows of a previous search.
 */
export class PageCache<Row> {
  private readonly pages = new Map<number, Row[]>();
  private readonly inFlight = new Set<number>();
  private gen = 0;
  readonly pageSize: number;

  constructor(pageSize = PAGE_SIZE) {
    this.pageSize = pageSize;
  }

  get generation(): number {
    return this.gen;
  }

  reset(): number {
    this.pages.clear();
    this.inFlight.clear();
    return ++this.gen;
  }

  row(index: number): Row | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Pages needed for rows `first..=last` that are neither loaded nor requested; marks them requested. */
  claim(first: number, last: number): number[] {
    const wanted = pagesCovering(first, last, this.pageSize).filter(
      (p) => !this.pages.has(p) && !this.inFlight.has(p),
    );
    wanted.forEach((p) => this.inFlight.add(p));
    return wanted;
  }

  /** Stores a page; returns false (and keeps nothing) when it belongs to an older generation. */
  fill(page: number, rows: Row[], generation: number): boolean {
    if (generation !== this.gen) return false;
    this.inFlight.delete(page);
    this.pages.set(page, rows);
    return true;
  }

  /** A request failed: the page may be claimed again. */
  release(page: number, generation: number): void {
    if (generation === this.gen) this.inFlight.delete(page);
  }
}
