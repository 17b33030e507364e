import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ConnectionId } from "../bindings/ConnectionId";
import type { ObjectType } from "../bindings/ObjectType";
import type { Provider } from "../bindings/Provider";
import type { Record as CrmRecord } from "../bindings/Record";
import type { RecordRow } from "../bindings/RecordRow";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProviderBadge } from "../components/ProviderBadge";
import { useCommand } from "../components/useCommand";
import { useRovingRows } from "../components/useRovingRows";
import type { CustomObjectInfo } from "../bindings/CustomObjectInfo";
import {
  countOf,
  formatShortTime,
  formatTime,
  objectTypeLabel,
  objectTypeName,
  rememberCustomObjects,
} from "../format";
import { api } from "../ipc";
import { PageCache } from "../records/pages";
import { Timeline } from "../records/Timeline";

const ROW_HEIGHT = 36;
const SEARCH_DELAY_MS = 250;

export function RecordsScreen() {
  const loadStatus = useCallback(() => api.status(), []);
  const status = useCommand(loadStatus);
  const [connectionId, setConnectionId] = useState<ConnectionId | null>(null);
  const [objectType, setObjectType] = useState<ObjectType | null>(null);
  const [searchInput, setSearchInput] = useState("");
  const [search, setSearch] = useState("");
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [, setVersion] = useState(0);
  const [selected, setSelected] = useState<CrmRecord | null>(null);
  // Every connection's custom objects, by the names their CRMs give them (for the Type filter):
  // two CRMs may both have "Invoices", so each says whose it is.
  const [customObjects, setCustomObjects] = useState<
    { connection: ConnectionId; label: string; object: CustomObjectInfo }[]
  >([]);
  const connectionList = status.data?.connections ?? [];
  // The connections as a value the effect can depend on (the status object is new every load).
  const connectionKey = JSON.stringify(connectionList.map((c) => [c.connection.id, c.connection.label]));
  useEffect(() => {
    const connections = (JSON.parse(connectionKey) as [ConnectionId, string][]).map(([id, label]) => ({
      id,
      label,
    }));
    let live = true;
    Promise.all(connections.map((c) => api.customObjects(c.id)))
      .then((lists) => {
        rememberCustomObjects(lists.flat());
        const all = connections.flatMap((c, i) =>
          (lists[i] ?? []).map((object) => ({ connection: c.id, label: c.label, object })),
        );
        if (live) setCustomObjects(all);
      })
      .catch(setError);
    return () => {
      live = false;
    };
  }, [connectionKey]);
  const cache = useRef(new PageCache<RecordRow>()).current;
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const t = setTimeout(() => setSearch(searchInput.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [searchInput]);

  const providerById = useMemo(
    () =>
      new Map<ConnectionId, Provider>(
        (status.data?.connections ?? []).map((c) => [c.connection.id, c.connection.provider]),
      ),
    [status.data],
  );

  const fetchPages = useCallback(
    (pages: number[], generation: number) => {
      for (const page of pages) {
        api
          .recordPage({
            connection_id: connectionId,
            object_type: objectType,
            search: search || null,
            offset: page * cache.pageSize,
            limit: cache.pageSize,
            // Counting every match costs more than a page: ask once per filter, with the first page.
            with_total: page === 0,
          })
          .then((result) => {
            if (cache.fill(page, result.rows, generation)) {
              if (result.total !== null) setTotal(result.total);
              setError(undefined);
              setVersion((v) => v + 1);
            }
          })
          .catch((e: unknown) => {
            cache.release(page, generation);
            setError(e);
          });
      }
    },
    [cache, connectionId, objectType, search],
  );

  // A new filter is a new list: forget loaded pages and ask for the first one.
  useEffect(() => {
    const generation = cache.reset();
    setTotal(null);
    scrollRef.current?.scrollTo({ top: 0 });
    fetchPages(cache.claim(0, 0), generation);
  }, [cache, fetchPages]);

  // The virtualizer re-measures on every render by design; React Compiler memoisation does not apply.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total) fetchPages(cache.claim(first, last), cache.generation);
  }, [cache, fetchPages, first, last, total]);

  const open = (id: RecordRow["id"]) => {
    api.record(id).then(setSelected).catch(setError);
  };
  const rows = useRovingRows({
    count: total ?? 0,
    scrollToIndex: (i) => virtualizer.scrollToIndex(i),
    onOpen: (i) => {
      const row = cache.row(i);
      if (row) open(row.id);
    },
  });
  const close = () => {
    rows.refocus();
    setSelected(null);
  };
  const connectionLabel = (id: ConnectionId) =>
    status.data?.connections.find((c) => c.connection.id === id)?.connection.label;

  const connections = status.data?.connections ?? [];
  if (status.data && connections.length === 0) {
    return (
      <section>
        <RecordsHead />
        <EmptyState title="No records yet">
          <p>Records appear here once a CRM is connected and pulled. Start on the Connections screen.</p>
        </EmptyState>
      </section>
    );
  }

  return (
    <section className="records">
      <RecordsHead />
      <div className="filters">
        <label>
          CRM
          <select
            data-testid="filter-connection"
            value={connectionId ?? ""}
            onChange={(e) => setConnectionId(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">All connections</option>
            {connections.map((c) => (
              <option key={c.connection.id} value={c.connection.id}>
                {c.connection.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select
            data-testid="filter-type"
            value={objectType ?? ""}
            onChange={(e) => setObjectType((e.target.value || null) as ObjectType | null)}
          >
            <option value="">All types</option>
            {Object.entries(objectTypeLabel).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
            {customObjects
              .filter((o) => connectionId === null || o.connection === connectionId)
              .map((o) => (
                <option key={`${o.connection} ${o.object.object_type}`} value={o.object.object_type}>
                  {connectionId === null ? `${o.object.plural} (${o.label})` : o.object.plural}
                </option>
              ))}
          </select>
        </label>
        <label className="grow">
          Search
          <input
            type="search"
            data-testid="search"
            placeholder="Name, e-mail, phone, company or id"
            value={searchInput}
            onChange={(e) => setSearchInput(e.target.value)}
          />
        </label>
        <div className="result-count" data-testid="result-count">
          {total === null ? "Loading…" : countOf(total, "record")}
        </div>
      </div>
      <ErrorBanner error={error} />
      <div className={selected ? "records-body with-detail" : "records-body"}>
        <div
          className="records-table"
          role="grid"
          aria-label="Records"
          aria-rowcount={(total ?? 0) + 1}
          ref={rows.container}
          onKeyDown={(e) => {
            if (e.key === "Escape" && selected) close();
          }}
        >
          <div className="table-head" role="row" aria-rowindex={1}>
            {["Name", "Type", "E-mail", "Phone", "Company", "Connection", "Modified"].map((h) => (
              <span key={h} role="columnheader">
                {h}
              </span>
            ))}
          </div>
          <div className="table-body" ref={scrollRef} data-testid="records-list" role="rowgroup">
            {total === 0 ? (
              <p className="muted pad">
                {search ? `Nothing matches “${search}”.` : "No records of this kind in this connection."}
              </p>
            ) : null}
            <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
              {items.map((item) => {
                const row = cache.row(item.index);
                return (
                  <div
                    key={item.key}
                    className={row && selected?.id === row.id ? "row selected" : "row"}
                    data-testid="record-row"
                    role="row"
                    aria-rowindex={item.index + 2}
                    aria-selected={!!row && selected?.id === row.id}
                    style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                    onClick={() => row && open(row.id)}
                    {...rows.rowProps(item.index)}
                  >
                    {row ? (
                      <>
                        <span role="gridcell" className="strong" title={row.display_name}>
                          {row.display_name}
                        </span>
                        <span role="gridcell">{objectTypeName(row.object_type)}</span>
                        <span role="gridcell" title={row.email ?? undefined}>
                          {row.email ?? ""}
                        </span>
                        <span role="gridcell" className="mono">
                          {row.phone ?? ""}
                        </span>
                        <span role="gridcell" title={row.company ?? undefined}>
                          {row.company ?? ""}
                        </span>
                        <span role="gridcell" title={connectionLabel(row.connection_id)}>
                          <ProviderCell provider={providerById.get(row.connection_id)} />{" "}
                          <span className="conn-name">{connectionLabel(row.connection_id)}</span>
                        </span>
                        <span role="gridcell" className="muted">
                          {formatShortTime(row.remote_modified_at)}
                        </span>
                      </>
                    ) : (
                      <span role="gridcell" className="placeholder">
                        Loading…
                      </span>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
        {selected ? (
          <RecordDetail
            record={selected}
            crm={
              status.data?.connections.find((c) => c.connection.id === selected.connection_id)?.connection
                .label
            }
            onClose={close}
          />
        ) : null}
      </div>
    </section>
  );
}

function ProviderCell({ provider }: { provider: Provider | undefined }) {
  return provider ? <ProviderBadge provider={provider} /> : null;
}

function RecordsHead() {
  return (
    <header className="screen-head">
      <h1>Records</h1>
      <p className="lede">Everything mirrored from your CRMs, searchable offline.</p>
    </header>
  );
}

function RecordDetail({
  record,
  crm,
  onClose,
}: {
  record: CrmRecord;
  crm: string | undefined;
  onClose: () => void;
}) {
  return (
    <aside className="detail" data-testid="record-detail" aria-label="Record detail">
      <div className="detail-head">
        <h2>{record.display_name}</h2>
        <button className="link" onClick={onClose} aria-label="Close detail">
          Close
        </button>
      </div>
      <p className="muted">
        {objectTypeName(record.object_type)} in {crm ?? "an unknown connection"} · id{" "}
        <span className="mono">{record.remote_id}</span>
        <br />
        Modified in the CRM {formatTime(record.remote_modified_at) || "at an unknown time"}
      </p>
      <dl className="facts">
        {facts(record.fields).map(([key, label, value]) => (
          <div key={key} className="fact">
            <dt>{label}</dt>
            <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
          </div>
        ))}
      </dl>
      {record.object_type !== "activity" ? <Timeline id={record.id} /> : null}
    </aside>
  );
}

/** A record's fields as (key, label, value) rows: custom fields one per row by the CRM's key, not as
 * one blob. */
function facts(fields: CrmRecord["fields"]): [string, string, unknown][] {
  return Object.entries(fields).flatMap(([key, value]): [string, string, unknown][] =>
    key === "custom" && value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.entries(value as Record<string, unknown>).map(([k, v]) => [`custom.${k}`, k, v])
      : [[key, key.replace(/_/g, " "), value]],
  );
}
