"""What one-off measurements of bench/cli.py found, printed under its tables."""

from __future__ import annotations

NOTES = [
    "",
    "Every render writes into a new, empty folder, so the render cache never answers. The "
    "medians are a user's second and later commands: the derived-data cache "
    '(`FANZHA_CACHE_DIR`) is warm; "first run" is, for `validate`, `token` and `render`, the '
    "median of as many runs as rounds, each with a new empty cache folder, and for `segment` "
    "one run with an empty cache folder (one sample, so noisier than the medians). DuckDB runs `DUCKDB_SCRIPT` (read the Parquet "
    "file, the example's audience rule, three segment rules, consent and the 5% holdout, "
    "write Parquet) as a whole process, like `fanzha segment`; the machine is shared with "
    "other sessions' jobs, so both sides slow down together under load, not equally.",
    "",
    "The run in the tables (2026-12-01, 00:34, issue 13, main at 19158b4 with the work of "
    "the session merged; the bench lock held for the whole run, load average 2.4 → 1.9; "
    "fanzha's sources byte-compiled first, as `./dev` leaves them, since the environment "
    "sets PYTHONDONTWRITEBYTECODE): every target is met, warm and on a first run: "
    "`validate` 0.32 s (first 0.52 s), `token` 0.21 s (0.20 s), `render` 0.38 s (0.73 s), "
    "`segment` 1.10× DuckDB at 3M and 1.04× at 10M. This machine is about 1.8 times faster "
    "than the one of the 21:40 run below (a pure-Python loop of 10M additions 0.82 s "
    "against 1.5 s; DuckDB at 3M 0.92 s against 1.83 s).",
    "",
    "The run of 2026-11-30, 23:39 (issue 13, session h13fast, quick commands only: "
    '"before" = main at 4882337; load average 2.2 → 2.5 from other sessions\' jobs, 5 '
    "rounds): a warm `render` takes 0.36 s against 0.71 s and a first `validate` 0.47 s "
    "against 0.68 s; a warm `validate` and `token` are unchanged by this work. A first "
    "`render` took 0.92 s against 0.99 s, above its 0.8 s target at that load; five "
    "alternating first runs right after, at load 1.2 (not under the bench lock), took "
    "0.67–0.73 s against main's 0.73–0.84 s. `segment` was not run: its table, from the "
    "run of 21:40, is kept below.",
    "",
    "- **render, warm** (h13fast): it imports 279 modules instead of 562 and draws no "
    "figure. The "
    "copy and the bank's terms come from the derived-data cache "
    "(`campaigns/render_inputs.py`: the terms keyed like `segment`'s settings, the copy by "
    "the template context, the request, every library file's path and bytes and the code), "
    "so pydantic, pydantic-settings, the library model and Jinja2 are not imported; "
    "`fanzha.content` and `fanzha.renderer` load their names on first use, so importing "
    "`content.copy` no longer imports the whole library (0.17 s). Characters and scenes are "
    "read back as zlib'd raw pixels (1–3 ms each against 10–60 ms to draw; "
    "`renderer/characters/_stored.py`), and Pillow's WebP plugin is imported by name "
    "instead of all ~40 plugins.",
    "- **validate, first run** (h13fast): linting the 28 warning files took 0.23 s, half "
    "of it Jinja2 parsing and compiling the copy's `{{ customer.<field> }}` tags. Character "
    "widths and NFKC folds are now looked up once per character, and the console script "
    "writes cache entries on a thread (creating a file costs ~0.5 ms here; a first "
    "`validate` stores 68). Tried, not kept: checking and filling copy made of plain text "
    "and such tags with a regular expression instead of Jinja2 (the same problems and text) "
    "made a first `validate` 0.41 s against 0.53 s (6 alternating runs each under the bench "
    "lock, load average 3.2–3.4), but it was a second parser of the template syntax beside "
    "the sandboxed Jinja2: the project keeps one parser per syntax.",
    "- **render, first run, what is left**: everything the warm run now skips still runs "
    "once — pydantic-settings, the library's YAML and model for all 40 files (a bad file "
    "anywhere still fails the render), the drawing of 9 figures (0.2 s, one core: a thread "
    "gains nothing, Pillow's drawing holds the GIL) — while rjieba's dictionary is built in "
    "the child on the other core, done after ~0.2 s. Tried, not kept: drawing in two "
    "threads (no gain); the rjieba child drawing the panels' figures ahead into the cache, "
    "from the last, on a thread (the parent then read 5–6 of 9, but 6 alternating first runs "
    "at load 2 took 0.85–1.01 s with and without it: the other core was not free); zlib's "
    "RLE and Huffman-only strategies for the drawings (3–5× slower than level 1, 10–30× "
    "larger).",
    "",
    "`segment` in the run of 21:40, on the slower machine (not run at 23:39):",
    "",
    "| customers | DuckDB (same work, whole process) | `fanzha segment` (before) | "
    "`fanzha segment` (this branch) | before, first run (empty cache) | this branch, first "
    "run (empty cache) | target |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    "| 3,000,000 | 1.83 s | 3.13 s (1.71×) | 2.15 s (1.17×) | 3.58 s | 2.72 s | ≤ 1.3× |",
    "| 10,000,000 | 4.11 s | 5.22 s (1.27×) | 4.27 s (1.04×) | 5.19 s | 5.11 s | ≤ 1.3× |",
    "",
    "The run of 2026-11-30, 21:40 (issue 13, main at the merge of the session's work, "
    '"before" = 9d0f0ec, the previous session\'s last commit; idle machine, load average 1.2 '
    "→ 1.9) ran on a machine about 2.3 times slower than the previous session's quiet run "
    "quoted below (DuckDB 1.83 s at 3M against 0.80 s; a pure-Python loop of 10M additions "
    "1.5 s): the ratios are the figures to compare. `segment` is within 1.3× of DuckDB at "
    "both sizes (1.17×, 1.04×; before 1.71×, 1.27×). A first `render` (empty cache) takes "
    "0.69 times what it took before (1.92 s against 2.79 s; 0.26 s more than a warm one, "
    "against 1.15 s before); `validate`, `token` and a warm `render` are unchanged by this "
    "work. In seconds, on this slower machine, the absolute targets are missed (`validate` "
    "0.85 s, `token` 0.57 s, `render` 1.66 s, first 1.92 s); scaled by DuckDB's time they "
    "would be 0.37, 0.25, 0.72 and 0.84 s on the previous machine, where the same warm "
    "commands measured 0.31, 0.20 and 0.64 s.",
    "",
    "What changed, command by command (`python -X importtime`, cProfile, py-spy):",
    "",
    "- **Every command**: importing the CLI took 0.14 s and takes 0.03 s. The `fanzha` group "
    "does not build the settings: a command reads them on its first request "
    "(`settings_from`), so `keys generate` never loads pydantic-settings; help text names the "
    "variables from a plain table (`campaigns/variables.py`).",
    "- **validate**: 0.25 s of its 0.45 s was linting the campaign's warning files and 0.06 s "
    "parsing the library. Lint results are cached per file (path and bytes, the bank's "
    "terms, the day, and a stamp of the content package's code); a YAML file's data per text.",
    "- **token**: the customer check reads the three tables with `sqlite3` (or `psycopg`) "
    "instead of SQLAlchemy (0.11 s to import), in `delivery/direct.py`.",
    "- **render**: rjieba is not loaded when every text's words are cached; the contrast "
    "check measures flat colours without NumPy; posters alone load NumPy, pikepdf and segno.",
    "- **render, first run** (issue 13, 2026-11-30): `import rjieba` built a default "
    "dictionary of its own before fanzha built its one; the segmenter now loads only the "
    "package's extension module (`renderer/segmenter.py`), so the dictionary is built once. "
    "rjieba builds it holding the GIL, so a thread cannot overlap it: on a first run (no words "
    "cached, Linux, no thread started) `fanzha render` forks a child that builds it on the "
    "other core while the parent imports and reads the library, and sends it the texts to cut "
    "(`renderer/words_ahead.py`; anything amiss and the parent cuts them itself). The font's "
    "coverage, collection face and names are read straight from its `cmap` and `name` tables "
    "in 3–5 ms (`renderer/font_cmap.py`, `renderer/font_sfnt.py`; tests compare them with "
    "fontTools on every installed face and on generated tables); fontTools only reads fonts "
    "those leave to it. Tried, not kept: a thread for the dictionary (no gain, GIL); fontTools "
    "with a stand-in glyph order (140 ms of CPU against 250 ms). Without the child, at load "
    "5–7 over 7 rounds, a first run took 2.16 s against 1.97 s with it.",
    "- **segment** (earlier): 0.73 s went to importing SQLModel and the store's models to "
    "learn that the store did not exist, and 0.31 s to SQLAlchemy for the `URL#table` form "
    "the command line did not use; both are gone. The lead's quiet-machine run after that "
    "(load average 1.7 → 1.9): 1.14 s against DuckDB's 0.80 s at 3M (1.43×, missed), "
    "2.21 s against 1.78 s at 10M (1.24×).",
    "- **segment** (issue 13, 2026-11-30): the fixed cost at 3M was imports, not rows: "
    "pandas, NumPy and PyArrow (0.44 s on a quiet machine; DuckDB's import 0.11 s), then "
    "pydantic-settings (with asyncio, argparse, dotenv), pydantic, the campaign model and the "
    "YAML reader for the settings and the campaign check (0.17 s). A second `segment` now "
    "takes the store URL and schema file, and the campaign's checked rules, from the "
    "derived-data cache (`campaigns/settings_cache.py`, `campaigns/segment_rules.py`; keyed "
    "by the non-secret `FANZHA_*` variables, the campaign file's bytes, the schema, the "
    "customer columns and the code) and imports none of those: 694 modules instead of 860.",
    "- **segment**, also: Python's garbage collector walked the few hundred thousand objects "
    "pandas, NumPy and PyArrow create at import, in every full collection while they "
    "imported, during the run and once more at exit (0.26–0.30 s of a loaded machine's "
    "time for the exit alone, against 0.02–0.05 s when the process ends with `os._exit`). "
    "`segment` now imports them with collection off and freezes what they made "
    "(`gc.freeze`), and freezes the rest before exiting (`campaigns/cli/collector.py`, in "
    "the console script's own process only); collection stays on for the rows, and peak "
    "RSS at 10M was unchanged (667 MB against 680 MB).",
    "- Both changes, one session, four sides alternating under the bench lock, 5 rounds, "
    "load average 6–9 from other sessions' jobs (so the ratios are high for all): at 3M "
    "DuckDB 2.12 s; main 3.65 s (1.72×), with the caches 2.80 s (1.32×), with the caches and "
    "the collector 2.21 s (1.04×); at 10M DuckDB 5.08 s; main 5.95 s (1.17×), caches 5.59 s "
    "(1.10×), both 4.70 s (0.92×). Not measured on a quiet machine.",
    "- Tried and measured slower in an earlier session, on a loaded machine, not repeated: "
    "reading the file's first row groups in a thread while pandas loads (1.96 s against "
    "1.62 s), reading row groups without Arrow's own threads (no difference), checking each "
    "of the 3 row groups in halves so both threads work to the end (2.30 s against 1.70 s).",
    "- **What is left at 3M**: pandas, NumPy and PyArrow's import, and the rows: per row "
    "group of 1M (loaded machine, one thread) about 0.2 s reading 14 columns (every declared "
    "column is checked, as the whole-file loader does), 0.1 s to pandas, 0.15 s checks, "
    "0.2 s rules and holdout, 0.15 s writing; the last group's write overlaps nothing. "
    "Under load the bench measures CPU more than parallelism: fanzha used about 3.6 s of CPU "
    "at 3M against DuckDB's 2.2 s before these changes (load average 8–9). Writing Parquet "
    "without column statistics would save about a quarter of each write (not done: readers "
    "use them to skip row groups).",
]
