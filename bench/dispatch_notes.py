"""What one-off measurements of bench/dispatch.py found, printed under its tables."""

from __future__ import annotations

# What one-off measurements found (2026-11-30, issue 19), kept under the tables.
NOTES = [
    "",
    "Notes:",
    "- **The reference was a stall.** Until 2026-11-30 the fake gateway answered in two "
    "writes (head, then body) with Nagle's algorithm on, so every answer waited for the "
    "client's delayed ACK: 45 ms per batch of 500 for about 4 ms of CPU. Both sides paid "
    "it; the dispatcher's worker threads overlapped it and the bare loop could not. That set "
    "the earlier figures (1.02× SQLite and 0.89× PostgreSQL recorded, 0.47–0.71× re-run), "
    "and a run of this bench on the same day before the fix gave 1.21× (1.19–1.24) on "
    "SQLite and 1.51× (1.37–1.65) on PostgreSQL, 0.77× with 2 processes and 0.29× with 4 "
    "(the bare loops scaled with the stall: 10,900 → 21,700 → 41,800 msg/s). With "
    "`TCP_NODELAY` on the gateway the bare loop shows what the HTTP part costs: about 5 µs "
    "of CPU per message for loop and gateway together, 110,000–190,000 msg/s.",
    "- **Profile of a batch** (one worker thread, PostgreSQL, 20,000 messages, niced at "
    "load average ~7 before and 9–14 after, µs per message), before → after this work: claim 108 → 66–78, "
    "where the planner hash-joined `id IN (SELECT … LIMIT 500)` against a sequential scan "
    "of the whole outbox (EXPLAIN ANALYZE at 50,000 rows: 30 ms per claim, growing with "
    "every message ever sent; as `id = ANY(ARRAY(SELECT …))` 12 ms, an index probe per "
    "id); recording 132 → 80–84 (delivered UPDATE, then an events INSERT of five "
    "500-string arrays, now one statement; a pool checkout with a ping per step, now one "
    "connection per pass); send-time rules 44 → 5–8 (two lookups and ~20 pandas operations "
    "for batches where nobody has a preference; now the claim screens customers by index "
    "probes and only those with a preference are looked up); payloads 27 → 6–7 "
    "(itertuples → column lists); the POST 48 (with the stall). The claim and recording figures are mostly the wait for PostgreSQL, which got busier between the two measurements."
    "",
    "- **What remains** is the database's work per message, which the bare loop never "
    "pays: two row versions of `messages` (claim, then outcome; neither can be a HOT update, "
    "as both change `state`, which three of its five indexes key or filter on) and one "
    "`delivery_events` row, i.e. three heap tuples and about 13 index entries with their "
    "WAL, about 45 µs of PostgreSQL CPU per message measured statement by statement on a "
    "quiet table; 100–120 µs in the runs above, where eight claimers share the table and "
    "each claim walks the `pending` entries of rows just claimed by others that cannot be "
    "pruned yet (most likely; not proven). On SQLite the same work runs inside the "
    "dispatcher's process (64 µs per message). At ≥ 0.9× of a 5 µs bare path the target "
    "is out of reach for any design that records each message durably; getting nearer "
    "would take a claim that is a HOT update (a lease column not in any index, fillfactor "
    "below 100) and delivered events kept in `messages` (`sent_at`) instead of a row each.",
    "- **Scale-out**: on 2 cores one dispatcher process (8 threads) already keeps both "
    "cores busy (dispatcher, PostgreSQL and gateway), so 2 and 4 processes add nothing; the "
    "bare loops, latency-bound, do. The per-message CPU above is the figure to scale by.",
    "- **With a real gateway's latency** (`--latency-ms 30 --messages 50000 --rounds 1 "
    "--scale ''`, 2026-11-30, load average 5.2 → 5.4): dispatcher 11,642 msg/s against the "
    "bare loop's 13,575 on SQLite (**0.86×**), 11,865 against 13,265 on PostgreSQL "
    "(**0.89×**); CPU per message 52 µs (SQLite) and 99 µs (PostgreSQL, 66 of them in its "
    "backends). A push provider answers in tens of milliseconds, so this, not the 0 ms "
    "gateway, is the pace a bank sees; the remaining gap is the durable record per message.",
]
