//! The run store: every forecast, Monte Carlo, shock and sensitivity run kept in one SQLite file
//! so an analyst can list, compare and export them later.
//!
//! # What is stored
//! Per run ([`NewRun`]): the kind of run, the scenario's text and its SHA-256, the model
//! configuration and seed, detente's version, start and end time, the full result as JSON, a
//! flat list of headline values (`issue/model` → number, used by `compare`), the EUM's
//! per-round traces and the Monte Carlo aggregates.
//!
//! # Guarantees
//! - **One transaction per run.** [`Store::save`] (or a [`RunWriter`] that is committed) writes
//!   every row of a run or none: a writer dropped or a process killed before commit leaves no
//!   partial rows (tested by killing a child process mid-write).
//! - **WAL mode**, so readers see the last committed state while a run is being written.
//! - **Versioned migrations** in `PRAGMA user_version`. A database whose version is newer than
//!   this build's [`SCHEMA_VERSION`] is refused with [`StoreError::NewerSchema`] before anything
//!   is written to it (not even the journal mode). A file that is not an SQLite database is
//!   refused with [`StoreError::NotADatabase`] and left untouched.
//!
//! This crate is the only one in detente that writes files; it never reads the clock itself:
//! callers pass the times they measured.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// Migration `i` takes a database from version `i` to `i + 1`.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [r#"
CREATE TABLE runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,
    scenario_name   TEXT NOT NULL,
    scenario_sha256 TEXT NOT NULL,
    scenario_text   TEXT NOT NULL,
    title           TEXT NOT NULL,
    config_json     TEXT NOT NULL,
    seed            TEXT,
    code_version    TEXT NOT NULL,
    started_at_ms   INTEGER NOT NULL,
    finished_at_ms  INTEGER NOT NULL,
    result_json     TEXT NOT NULL
);
CREATE TABLE run_values (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    value  REAL,
    PRIMARY KEY (run_id, key)
);
CREATE TABLE eum_rounds (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    issue      TEXT NOT NULL,
    round      INTEGER NOT NULL,
    median     REAL NOT NULL,
    mean       REAL NOT NULL,
    state_json TEXT NOT NULL,
    PRIMARY KEY (run_id, issue, round)
);
CREATE TABLE mc_aggregates (
    run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    metric       TEXT NOT NULL,
    mean         REAL,
    p05          REAL,
    median       REAL,
    p95          REAL,
    summary_json TEXT NOT NULL,
    PRIMARY KEY (run_id, metric)
);
"#];

/// Everything that can go wrong with the store.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file could not be opened or created.
    #[error("cannot open run store `{path}`: {source}")]
    Open {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A read-only command named a database that does not exist.
    #[error("no run store at `{0}`; runs are saved there by `--save` or `montecarlo`")]
    Missing(PathBuf),
    /// The file exists but is not an SQLite database (or is corrupt).
    #[error(
        "`{path}` is not a detente run store (not a readable SQLite database: {reason}); it was left untouched"
    )]
    NotADatabase {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// A store this user may not write.
    #[error(
        "cannot save to `{path}`: {reason}; the store is someone else's or read-only, so save to another --db (its runs can still be listed with `detente runs --db`)"
    )]
    ReadOnly {
        /// The database path.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// An SQLite database of something else.
    #[error(
        "`{path}` is an SQLite database of something else (schema version {version}, tables: {tables}), not a detente run store; it was left untouched: give --db a new file name, detente keeps its runs in a file of its own"
    )]
    Foreign {
        /// The database path.
        path: PathBuf,
        /// Its `user_version`.
        version: i64,
        /// Its first tables' names.
        tables: String,
    },
    /// The database was written by a newer detente.
    #[error(
        "`{path}` has schema version {found}, newer than the {supported} this detente understands; upgrade detente to use it (the file was not changed)"
    )]
    NewerSchema {
        /// The database path.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// This build's version.
        supported: i64,
    },
    /// The store has given out the largest run id SQLite allows. Ids only grow (a deleted
    /// run's id is not reused), by one a run, so only an id written outside detente gets there;
    /// SQLite then reports "database or disk is full", which sent users to check their disk.
    #[error(
        "cannot save to `{0}`: its runs have used the last run id ({max}), which only an id written outside detente can reach; save to a new --db (the runs in this one can still be listed and shown)",
        max = i64::MAX
    )]
    IdsExhausted(PathBuf),
    /// No run with this id.
    #[error("no run with id {0}; `detente runs list` shows the ids")]
    NotFound(i64),
    /// An SQL statement failed.
    #[error("run store: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored JSON column did not parse.
    #[error("run store: stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
}

/// One EUM round of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EumTrace {
    /// Issue id.
    pub issue: String,
    /// Round number (0 = initial).
    pub round: i64,
    /// Weighted median after the round.
    pub median: f64,
    /// Weighted mean after the round.
    pub mean: f64,
    /// The round as JSON (positions, risks, moves).
    pub state: serde_json::Value,
}

/// One Monte Carlo aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    /// Metric key.
    pub metric: String,
    /// Mean.
    pub mean: Option<f64>,
    /// 5th percentile.
    pub p05: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// The full summary as JSON.
    pub summary: serde_json::Value,
}

/// A run to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewRun {
    /// `forecast`, `montecarlo`, `shocks` or `sensitivity`.
    pub kind: String,
    /// The scenario file as named by the user.
    pub scenario_name: String,
    /// The scenario's full text.
    pub scenario_text: String,
    /// The scenario's title.
    pub title: String,
    /// Model configuration.
    pub config: serde_json::Value,
    /// Master seed, if the run drew random numbers.
    pub seed: Option<u64>,
    /// detente's version.
    pub code_version: String,
    /// Start, milliseconds since the Unix epoch.
    pub started_at_ms: i64,
    /// End, milliseconds since the Unix epoch.
    pub finished_at_ms: i64,
    /// The full result.
    pub result: serde_json::Value,
    /// Headline values by key (`issue/model`), compared by `runs compare`.
    pub values: Vec<(String, Option<f64>)>,
    /// EUM traces.
    pub eum_rounds: Vec<EumTrace>,
    /// Monte Carlo aggregates.
    pub aggregates: Vec<Aggregate>,
}

/// A stored run's header, as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    /// Run id.
    pub id: i64,
    /// Kind of run.
    pub kind: String,
    /// Scenario file name.
    pub scenario_name: String,
    /// Scenario title.
    pub title: String,
    /// SHA-256 of the scenario text (hex).
    pub scenario_sha256: String,
    /// Seed, if any.
    pub seed: Option<String>,
    /// detente version.
    pub code_version: String,
    /// Start (ms since epoch).
    pub started_at_ms: i64,
    /// End (ms since epoch).
    pub finished_at_ms: i64,
}

/// A stored run in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// Header.
    #[serde(flatten)]
    pub summary: RunSummary,
    /// Scenario text.
    pub scenario_text: String,
    /// Model configuration.
    pub config: serde_json::Value,
    /// Full result.
    pub result: serde_json::Value,
    /// Headline values.
    pub values: Vec<(String, Option<f64>)>,
    /// EUM traces.
    pub eum_rounds: Vec<EumTrace>,
    /// Monte Carlo aggregates.
    pub aggregates: Vec<Aggregate>,
}

/// SHA-256 of `text`, lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An open run store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Where it is, for the errors that name the file.
    path: PathBuf,
}

/// Whether `e`, from inserting a run, is SQLite's "database or disk is full" because the
/// `runs` ids have reached `i64::MAX` (AUTOINCREMENT then refuses every insert) rather than
/// because the disk is full.
fn ids_exhausted(conn: &Connection, e: &rusqlite::Error) -> bool {
    let full = e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull);
    full && conn
        .query_row(
            "SELECT max(seq) FROM sqlite_sequence WHERE name = 'runs'",
            [],
            |row| row.get::<_, Option<i64>>(0),
        )
        .ok()
        .flatten()
        == Some(i64::MAX)
}

fn not_a_database(path: &Path, e: &rusqlite::Error) -> StoreError {
    StoreError::NotADatabase {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

impl Store {
    /// Opens `path` for reading and writing, creating and migrating it as needed.
    ///
    /// Two processes creating one store at once can meet SQLite's "database is locked" where its
    /// busy timeout does not apply (while the other switches the new file to WAL mode); the
    /// whole opening is then retried, for up to about ten seconds.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut attempt = 0u32;
        loop {
            match Self::open_once(path) {
                Err(e) if attempt < 100 && is_locked(&e) => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(
                        10 + 5 * u64::from(attempt % 20),
                    ));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Self, StoreError> {
        // A store this user may not write was reported as "not a detente run store" (SQLite
        // opens it read-only and fails at the first write); say what it is.
        if let Err(e) = std::fs::OpenOptions::new().write(true).open(path)
            && e.kind() == std::io::ErrorKind::PermissionDenied
        {
            return Err(StoreError::ReadOnly {
                path: path.to_owned(),
                reason: e.to_string(),
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        // Before anything else: another process may be creating or writing the store.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        check_version(&conn, path)?;
        // Only now, with the version known to be ours or older, may the file be changed.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| not_a_database(path, &e))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Self {
            conn,
            path: path.to_owned(),
        };
        store.migrate(path)?;
        Ok(store)
    }

    /// Opens an existing store read-only (it must exist and have a known version).
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_owned()));
        }
        // A reader that may not write the store is not its owner: the `-wal` and `-shm` files
        // SQLite would create beside it for the reader would be the reader's, and the owner
        // could no longer write ("attempt to write a readonly database" on every later save;
        // found by an audit of the run store). Such a reader reads the file as immutable.
        let may_write = std::fs::OpenOptions::new().write(true).open(path).is_ok();
        if !may_write {
            let conn = open_immutable(path)?;
            return Self::read_only_checked(conn, path);
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(
            |source| StoreError::Open {
                path: path.to_owned(),
                source,
            },
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let (conn, version) = match check_version(&conn, path) {
            Ok(version) => (conn, version),
            // A store in WAL mode needs its `-shm` index, which a reader that may not write
            // the file or its folder cannot create (issue 16: "attempt to write a readonly
            // database", reported as "not a detente run store"). Such a store has no writer
            // either, so it is read as immutable, which needs no index.
            Err(StoreError::NotADatabase { reason, .. }) if is_read_only_failure(&reason) => {
                drop(conn);
                let conn = open_immutable(path)?;
                let version = check_version(&conn, path)?;
                (conn, version)
            }
            Err(e) => return Err(e),
        };
        Self::read_only_version(conn, path, version)
    }

    /// A store opened read-only, once its version is checked.
    fn read_only_checked(conn: Connection, path: &Path) -> Result<Self, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let version = check_version(&conn, path)?;
        Self::read_only_version(conn, path, version)
    }

    /// A store opened read-only at `version`, which must be this build's.
    fn read_only_version(conn: Connection, path: &Path, version: i64) -> Result<Self, StoreError> {
        if version < SCHEMA_VERSION {
            // An older store has no runs this build cannot read, but its tables may be missing.
            return Err(StoreError::NotADatabase {
                path: path.to_owned(),
                reason: format!(
                    "schema version {version}; open it once with a command that saves a run to upgrade it"
                ),
            });
        }
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// Applies the migrations the store lacks. The version is read again inside an IMMEDIATE
    /// transaction, which holds the write lock: two processes creating the same store at once
    /// then migrate one after the other, and the second finds nothing left to do (issue 16:
    /// one of two concurrent `--save` runs failed with "table runs already exists").
    fn migrate(&mut self, path: &Path) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let from = check_version(&tx, path)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Starts writing a run; nothing is visible to others until [`RunWriter::commit`].
    pub fn begin(&mut self, run: &NewRun) -> Result<RunWriter<'_>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT INTO runs (kind, scenario_name, scenario_sha256, scenario_text, title,
                config_json, seed, code_version, started_at_ms, finished_at_ms, result_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                run.kind,
                run.scenario_name,
                sha256_hex(&run.scenario_text),
                run.scenario_text,
                run.title,
                run.config.to_string(),
                run.seed.map(|s| s.to_string()),
                run.code_version,
                run.started_at_ms,
                run.finished_at_ms,
                run.result.to_string(),
            ],
        );
        if let Err(e) = inserted {
            return Err(if ids_exhausted(&tx, &e) {
                StoreError::IdsExhausted(self.path.clone())
            } else {
                e.into()
            });
        }
        let id = tx.last_insert_rowid();
        Ok(RunWriter { tx, id })
    }

    /// Stores a whole run in one transaction and returns its id.
    pub fn save(&mut self, run: &NewRun) -> Result<i64, StoreError> {
        let mut w = self.begin(run)?;
        for (key, value) in &run.values {
            w.add_value(key, *value)?;
        }
        for t in &run.eum_rounds {
            w.add_eum_round(t)?;
        }
        for a in &run.aggregates {
            w.add_aggregate(a)?;
        }
        w.commit()
    }

    /// Every run that can be read, newest first ([`Store::list_all`] without the rows it
    /// could not read).
    pub fn list(&self) -> Result<Vec<RunSummary>, StoreError> {
        Ok(self.list_all()?.runs)
    }

    /// Every run, newest first, and the ids of rows that cannot be read as a run, each with
    /// why. A row whose columns were edited outside detente (a seed written as a blob, a time
    /// as text) failed the whole listing, hiding every other run (found by an audit of the
    /// run store).
    pub fn list_all(&self) -> Result<Listing, StoreError> {
        let mut st = self.conn.prepare(
            "SELECT id, kind, scenario_name, title, scenario_sha256, seed, code_version,
                    started_at_ms, finished_at_ms FROM runs ORDER BY id DESC",
        )?;
        let mut rows = st.query([])?;
        let (mut runs, mut unreadable) = (Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            match summary_row(row) {
                Ok(run) => runs.push(run),
                // `id` is the table's INTEGER PRIMARY KEY, which SQLite keeps an integer.
                Err(e) => unreadable.push((row.get::<_, i64>(0)?, e.to_string())),
            }
        }
        Ok(Listing { runs, unreadable })
    }

    /// One run in full.
    pub fn get(&self, id: i64) -> Result<Run, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT id, kind, scenario_name, title, scenario_sha256, seed, code_version,
                        started_at_ms, finished_at_ms, scenario_text, config_json, result_json
                 FROM runs WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        summary_row(r)?,
                        r.get::<_, String>(9)?,
                        r.get::<_, String>(10)?,
                        r.get::<_, String>(11)?,
                    ))
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))?;
        let (summary, scenario_text, config, result) = head;
        let values = self
            .conn
            .prepare("SELECT key, value FROM run_values WHERE run_id = ?1 ORDER BY rowid")?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let eum_rounds = self
            .conn
            .prepare(
                "SELECT issue, round, median, mean, state_json FROM eum_rounds
                 WHERE run_id = ?1 ORDER BY rowid",
            )?
            .query_map([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .map(|row| {
                let (issue, round, median, mean, state) = row?;
                Ok(EumTrace {
                    issue,
                    round,
                    median,
                    mean,
                    state: serde_json::from_str(&state)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let aggregates = self
            .conn
            .prepare(
                "SELECT metric, mean, p05, median, p95, summary_json FROM mc_aggregates
                 WHERE run_id = ?1 ORDER BY rowid",
            )?
            .query_map([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .map(|row| {
                let (metric, mean, p05, median, p95, summary) = row?;
                Ok(Aggregate {
                    metric,
                    mean,
                    p05,
                    median,
                    p95,
                    summary: serde_json::from_str(&summary)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Run {
            summary,
            scenario_text,
            config: serde_json::from_str(&config)?,
            result: serde_json::from_str(&result)?,
            values,
            eum_rounds,
            aggregates,
        })
    }
}

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunSummary> {
    Ok(RunSummary {
        id: r.get(0)?,
        kind: r.get(1)?,
        scenario_name: r.get(2)?,
        title: r.get(3)?,
        scenario_sha256: r.get(4)?,
        seed: r.get(5)?,
        code_version: r.get(6)?,
        started_at_ms: r.get(7)?,
        finished_at_ms: r.get(8)?,
    })
}

/// What [`Store::list_all`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// The runs that can be read, newest first.
    pub runs: Vec<RunSummary>,
    /// Rows that cannot be read as a run: each id, and why.
    pub unreadable: Vec<(i64, String)>,
}

/// Whether `e` is SQLite's transient "database is locked" / busy condition.
fn is_locked(e: &StoreError) -> bool {
    match e {
        StoreError::NotADatabase { reason, .. } => reason.contains("locked"),
        StoreError::Sql(e) => {
            e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                || e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseLocked)
        }
        _ => false,
    }
}

/// Whether an SQLite error message says the file could not be written or its WAL index not
/// created, i.e. the reader lacks write permission.
fn is_read_only_failure(reason: &str) -> bool {
    reason.contains("readonly") || reason.contains("unable to open")
}

/// Opens `path` read-only as an immutable database (no locks, no WAL index).
fn open_immutable(path: &Path) -> Result<Connection, StoreError> {
    let open_error = |source| StoreError::Open {
        path: path.to_owned(),
        source,
    };
    let absolute = std::path::absolute(path).map_err(|e| StoreError::NotADatabase {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    // URI syntax: `%`, `?` and `#` would end or escape the path, so they are percent-encoded.
    let mut uri = String::from("file:");
    for c in absolute.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(open_error)
}

/// Reads `user_version`, refusing corrupt files and newer schemas without writing anything.
fn check_version(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| not_a_database(path, &e))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    // A quick structural check: a damaged file fails here rather than mid-run.
    let ok: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| not_a_database(path, &e))?;
    if ok != "ok" {
        return Err(StoreError::NotADatabase {
            path: path.to_owned(),
            reason: ok,
        });
    }
    // Version 0 is a new, empty store, or a database of something else (SQLite's default
    // version): `--save` on one switched it to WAL mode and added detente's tables beside its
    // own (found by an audit of the run store). One with tables is left as it is.
    if version <= 0 {
        let mut tables = conn
            // In one statement, one snapshot: a store another process has just created has
            // its tables and its version together, never the tables with version 0.
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND (SELECT user_version FROM pragma_user_version) <= 0 ORDER BY name LIMIT 6",
            )
            .and_then(|mut q| {
                q.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<String>, _>>()
            })
            .map_err(|e| not_a_database(path, &e))?;
        if version < 0 || !tables.is_empty() {
            let more = if tables.len() > 5 { ", ..." } else { "" };
            tables.truncate(5);
            return Err(StoreError::Foreign {
                path: path.to_owned(),
                version,
                tables: if tables.is_empty() {
                    "none".to_owned()
                } else {
                    format!("{}{more}", tables.join(", "))
                },
            });
        }
    }
    Ok(version)
}

/// A run being written inside its transaction. Dropping it without [`RunWriter::commit`] rolls
/// every row back.
#[derive(Debug)]
pub struct RunWriter<'a> {
    tx: rusqlite::Transaction<'a>,
    id: i64,
}

impl RunWriter<'_> {
    /// The id the run will have.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Adds one headline value.
    pub fn add_value(&mut self, key: &str, value: Option<f64>) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO run_values (run_id, key, value) VALUES (?1, ?2, ?3)",
            params![self.id, key, value],
        )?;
        Ok(())
    }

    /// Adds one EUM round. A round whose median or mean is not a finite number (no weighted
    /// mean exists when every salience is 0) is skipped: the columns hold numbers, and the
    /// run's full result keeps the round (issue 16: such a `forecast --save` lost the run).
    pub fn add_eum_round(&mut self, t: &EumTrace) -> Result<(), StoreError> {
        if !(t.median.is_finite() && t.mean.is_finite()) {
            return Ok(());
        }
        self.tx.execute(
            "INSERT INTO eum_rounds (run_id, issue, round, median, mean, state_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                self.id,
                t.issue,
                t.round,
                t.median,
                t.mean,
                t.state.to_string()
            ],
        )?;
        Ok(())
    }

    /// Adds one Monte Carlo aggregate.
    pub fn add_aggregate(&mut self, a: &Aggregate) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO mc_aggregates (run_id, metric, mean, p05, median, p95, summary_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                self.id,
                a.metric,
                a.mean,
                a.p05,
                a.median,
                a.p95,
                a.summary.to_string()
            ],
        )?;
        Ok(())
    }

    /// Makes the run visible and durable; returns its id.
    pub fn commit(self) -> Result<i64, StoreError> {
        self.tx.commit()?;
        Ok(self.id)
    }
}
