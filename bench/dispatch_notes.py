"""What one-off measurements of bench/dispatch.py found, printed under its tables."""

from __future__ import annotations

# What one-off measurements found (2026-11-30, issue 19), kept under the tables.
NOTES = [
    "",
    "Notes:",
    "- **Leases and deliveries without an event** (2026-11-30, migration "
    "`0008_h19disp_leases`). A claim used to set `state = 'claimed'`, and `state` is keyed "
    "or filtered on by three of the six indexes of `messages`, so every claim wrote six index "
    "entries and a delivered message three more row versions' worth (the outcome update, "
    "then a `delivery_events` row with its three index entries). Now a claim writes only the "
    "lease (`claimed_by`, `lease_until`, in no index): a HOT update on PostgreSQL (the table "
    "keeps half of each page free: at fillfactor 100 none of 20,000 claims was HOT, at 70 "
    "42%, at 50 all; after a whole dispatch of 20,000 messages the table took 1,804–2,298 "
    "pages at 50 against 2,503 at 100, since the claim's old versions are pruned and the "
    "outcome's land on the same page; an undispatched backlog takes about twice the pages), "
    "and a delivery is recorded in the message alone (`state`, `sent_at`, which every report "
    "already read). A lease that ran out is taken over by the next claim, so the periodic "
    "release pass went too. On SQLite the outcome statements found their rows through "
    "`ix_messages_state_due` (`state = ?` looked selective to a planner without statistics) "
    "and walked every pending message of the backlog; they now go by primary key.",
    "- **Before → after, interleaved** (the same command on the commit before this work and "
    "after it, their measured rounds taking turns under the bench lock, 21:00–21:21, load "
    "average 1.4–7.0): 0 ms gateway, SQLite 0.11× (0.10–0.11) → 0.13× (0.11–0.22), CPU per "
    "message 122 → 91 µs; PostgreSQL 0.11× (0.10–0.11) → 0.15× (0.13–0.21), its backends "
    "169 → 96 µs and the dispatcher 80 → 72 µs; 30 ms gateway, SQLite 0.57× (0.52–0.58) → "
    "0.67× (0.61–0.75), 133 → 93 µs; PostgreSQL 0.53× (0.49–0.53) → 0.74× (0.69–0.86), "
    "backends 160 → 99 µs; 2 processes 0.28× (0.26–0.28) → 0.41× (0.38–0.46); 4 processes "
    "0.17× (0.13–0.20) → 0.23× (0.22–0.24). An earlier pair at load average 4.6–13.9 (30 ms): SQLite "
    "0.44× → 0.77×, PostgreSQL 0.48× → 0.63×, 2 processes 0.26× → 0.34×, 4 processes "
    "0.15× → 0.22×; backends 150 → 101 µs per message.",
    "- **Statement by statement** (one worker, 50,000 messages, batches of 500, EXPLAIN "
    "ANALYZE, niced at load average ~9): the PostgreSQL claim 15–27 ms → 5–8 ms per batch "
    "and 4,600 → 1,040 WAL records (530 → 78 KB); the outcome (update and events) 14–27 ms "
    "and 6,100 records (680 KB) → the update alone 14–26 ms and 3,600 records (357 KB): WAL "
    "per message 2.4 → 0.87 KB. Each claim steps over the messages other workers hold "
    "(still pending in the index): its index walk took 0.5 ms with none ahead, 2.4 ms with "
    "4,000. "
    "SQLite, in-process: claim and outcome 35 µs of CPU per message plus 7 µs of events → "
    "claim 9 µs and outcome 15 µs (40 µs before the primary-key fix).",
    "- **What remains** on PostgreSQL is the outcome update, the one write a durable record "
    "needs: a new row version that is not HOT (`state` and `sent_at` change) with an entry "
    "in each of the six indexes, about 7 WAL records per message; and, in the dispatcher "
    "process, turning the claim's 22 columns × 500 rows into a frame (psycopg alone took "
    "10–12 µs per row of 20 columns, niced at load average ~9; 25 µs per message for the whole claim, of "
    "72), then the same JSON, signature and POST as the bare loop (about 20 µs). Every "
    "index has a reader (primary key; the live key's uniqueness; `ix_messages_campaign`: "
    "reports; `ix_messages_state_due`: claims and pending counts; `ix_messages_cap`: caps "
    "and a customer's cancellations; `ix_messages_warning_id`: recalls). Tried, not kept: "
    "`ix_messages_state_due` partial on `state = 'pending'` and the warning index partial on "
    "open states spare the outcome two of its seven WAL records (3,600 → 2,560 per batch, "
    "bytes −25%, the statement about a fifth faster single-threaded), but a partial index "
    "matches only a literal `'pending'` (not a bound parameter on SQLite, nor a generic "
    "plan on PostgreSQL), so every reader would have to change with it: left for later.",
    "- **The target** (≥ 0.9× the bare loop) is not met: at 0 ms the bare path costs 13–17 "
    "µs of CPU per message and the dispatch path 98 (SQLite) or 175 µs (PostgreSQL, all "
    "parties), so no design that writes each message durably comes near; at 30 ms the "
    "bare loop waits on the gateway and the dispatcher overlaps that wait on its threads, "
    "but with 2 cores shared by dispatcher, PostgreSQL, gateways and other sessions the "
    "dispatch path's CPU (about 180 µs × 9,000–12,000 msg/s ≈ 2 cores) is the limit: "
    "0.67× and 0.74× here, where the best round reached 0.86×.",
    "- **Scale-out**: on 2 cores one dispatcher process (8 threads) already keeps both "
    "cores busy (dispatcher, PostgreSQL and gateway), so 2 and 4 processes add nothing "
    "(9,600–9,800 msg/s against 9,200 with one); the bare loops, latency-bound, do. The "
    "per-message CPU above is the figure to scale by.",
    "- **The reference was a stall** until 2026-11-30: the fake gateway answered in two "
    "writes with Nagle's algorithm on, so every answer waited for the client's delayed ACK "
    "(45 ms per batch of 500 for about 4 ms of CPU); the dispatcher's threads overlapped it "
    "and the bare loop could not, which set the earlier 1.02× (SQLite) and 0.89× "
    "(PostgreSQL). With `TCP_NODELAY` the bare loop shows what the HTTP part costs.",
]
