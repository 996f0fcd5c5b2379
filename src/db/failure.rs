//! What a failed statement means, decided from the backend's error code as far as
//! diesel exposes it.
//!
//! diesel 2.3 hands over a [`DatabaseErrorKind`] and a [`DatabaseErrorInformation`],
//! not the code itself:
//!
//! - PostgreSQL: the kind is mapped from the SQLSTATE for 23505 (unique), 40001
//!   (serialization), and 08000/08001/08004/08006 (connection), and is
//!   `ClosedConnection` whenever libpq reports the connection as bad after the
//!   error, which covers a server going away mid-statement (57P01 admin shutdown,
//!   57P02, 57P03). Every other SQLSTATE, deadlock 40P01 and the data exceptions
//!   22003/22008/22021 among them, is `Unknown`, and the SQLSTATE is not exposed
//!   (diesel-rs/diesel#5232 proposes `DatabaseErrorInformation::sqlstate`). For
//!   those, and only those, the primary message is matched, as a last resort: it
//!   is in the server's `lc_messages` language, so a server with non-English
//!   messages answers them as 500 instead (README, "Running on PostgreSQL").
//!   53300 (too many connections) happens when connecting, in the pool, which
//!   answers 503 on its own.
//! - SQLite: the kind is mapped from the extended result code for constraints
//!   only (UNIQUE and PRIMARYKEY, FOREIGNKEY, NOTNULL, CHECK); SQLITE_BUSY and
//!   SQLITE_LOCKED come as `Unknown` and the code is not exposed. Their message is
//!   then SQLite's fixed, untranslated text for that code (`sqlite3_errstr`),
//!   so comparing it exactly is comparing the code.

use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error};

/// The meaning of a database error for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A unique constraint refused the row (PostgreSQL 23505; SQLite
    /// SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY).
    Duplicate,
    /// Contention or a lost connection: the same request may succeed later
    /// (PostgreSQL 40001, 40P01, 08xxx, 57P0x; SQLite SQLITE_BUSY, SQLITE_LOCKED).
    Transient,
    /// A number or date outside what the column can hold (PostgreSQL 22003, 22008).
    OutOfRange,
    /// Text the database cannot store, a NUL character (PostgreSQL 22021).
    UnstorableText,
    /// Anything else: a bug or an unexpected failure.
    Other,
}

/// SQLite's text for SQLITE_BUSY (also SQLITE_BUSY_SNAPSHOT, _RECOVERY, _TIMEOUT).
const SQLITE_BUSY: &str = "database is locked";
/// SQLite's text for SQLITE_LOCKED; with `: <table>` for SQLITE_LOCKED_SHAREDCACHE.
const SQLITE_LOCKED: &str = "database table is locked";
/// SQLite's text for SQLITE_LOCKED on the schema, followed by `: <schema>`.
const SQLITE_SCHEMA_LOCKED: &str = "database schema is locked";

/// Classifies `err`; errors that are not the database's are [`Failure::Other`].
pub fn classify(err: &Error) -> Failure {
    match err {
        Error::DatabaseError(kind, info) => classify_database_error(kind, info.as_ref()),
        _ => Failure::Other,
    }
}

fn classify_database_error(kind: &DatabaseErrorKind, info: &dyn DatabaseErrorInformation) -> Failure {
    match kind {
        DatabaseErrorKind::UniqueViolation => Failure::Duplicate,
        DatabaseErrorKind::SerializationFailure | DatabaseErrorKind::ClosedConnection => Failure::Transient,
        // Codes diesel does not map: see the module's documentation.
        _ => classify_by_message(info.message()),
    }
}

fn classify_by_message(message: &str) -> Failure {
    let sqlite_locked = message == SQLITE_BUSY
        || message.strip_prefix(SQLITE_LOCKED).is_some_and(|rest| rest.is_empty() || rest.starts_with(": "))
        || message.starts_with(SQLITE_SCHEMA_LOCKED);
    if sqlite_locked {
        return Failure::Transient;
    }
    // PostgreSQL, English messages: 40P01 "deadlock detected"; 22003 "integer out
    // of range", "numeric field overflow", "value ... is out of range for type";
    // 22008 "date out of range", "timestamp out of range", "date/time field value
    // out of range"; 22021 "invalid byte sequence for encoding \"UTF8\": 0x00".
    if message == "deadlock detected" {
        Failure::Transient
    } else if message.contains("out of range") || message == "numeric field overflow" {
        Failure::OutOfRange
    } else if message.starts_with("invalid byte sequence for encoding") {
        Failure::UnstorableText
    } else {
        Failure::Other
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sqlite::SqliteConnection;

    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn kinds_diesel_maps_from_the_code_decide_first() {
        let cases = [
            (DatabaseErrorKind::UniqueViolation, "duplicate key value violates unique constraint", Failure::Duplicate),
            (DatabaseErrorKind::SerializationFailure, "could not serialize access", Failure::Transient),
            (
                DatabaseErrorKind::ClosedConnection,
                "terminating connection due to administrator command",
                Failure::Transient,
            ),
            // The kind wins over a message that happens to read like another failure.
            (DatabaseErrorKind::ClosedConnection, "integer out of range", Failure::Transient),
            (DatabaseErrorKind::ForeignKeyViolation, "FOREIGN KEY constraint failed", Failure::Other),
            (DatabaseErrorKind::CheckViolation, "CHECK constraint failed: x", Failure::Other),
        ];
        for (kind, message, expected) in cases {
            assert_eq!(classify(&database_error(kind, message)), expected, "{message}");
        }
    }

    #[test]
    fn codes_diesel_does_not_map_fall_back_to_the_backends_fixed_texts() {
        let cases = [
            ("database is locked", Failure::Transient),
            ("database table is locked", Failure::Transient),
            ("database table is locked: volunteers", Failure::Transient),
            ("database schema is locked: main", Failure::Transient),
            ("deadlock detected", Failure::Transient),
            ("integer out of range", Failure::OutOfRange),
            ("date out of range: \"-5000-01-01\"", Failure::OutOfRange),
            ("numeric field overflow", Failure::OutOfRange),
            ("invalid byte sequence for encoding \"UTF8\": 0x00", Failure::UnstorableText),
            // Text that merely mentions a lock is not a lock.
            ("no such table: database is locked", Failure::Other),
            ("database table is lockedx", Failure::Other),
            ("syntax error", Failure::Other),
        ];
        for (message, expected) in cases {
            assert_eq!(classify(&database_error(DatabaseErrorKind::Unknown, message)), expected, "{message}");
        }
        assert_eq!(classify(&Error::NotFound), Failure::Other);
    }

    /// A real SQLITE_BUSY: a second connection asks for the write lock another
    /// holds, without waiting.
    #[test]
    fn sqlite_busy_from_the_library_is_transient() {
        let path = std::env::temp_dir().join(format!("outreach-failure-{}.db", uuid::Uuid::now_v7()));
        let url = path.to_string_lossy().into_owned();
        let mut holder = SqliteConnection::establish(&url).unwrap();
        holder.batch_execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE;").unwrap();
        let mut other = SqliteConnection::establish(&url).unwrap();
        other.batch_execute("PRAGMA busy_timeout = 0;").unwrap();
        let err = other.batch_execute("BEGIN IMMEDIATE;").unwrap_err();
        assert_eq!(classify(&err), Failure::Transient, "{err:?}");
        holder.batch_execute("ROLLBACK;").unwrap();
        drop((holder, other));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{url}{suffix}"));
        }
    }

    /// A real SQLITE_LOCKED: two connections sharing one cache, one writing a table
    /// the other reads.
    #[test]
    fn sqlite_locked_from_the_library_is_transient() {
        let url = format!("file:failure-{}?mode=memory&cache=shared", uuid::Uuid::now_v7());
        let mut writer = SqliteConnection::establish(&url).unwrap();
        writer.batch_execute("CREATE TABLE t (x INTEGER); BEGIN; INSERT INTO t VALUES (1);").unwrap();
        let mut reader = SqliteConnection::establish(&url).unwrap();
        let err = reader.batch_execute("SELECT * FROM t;").unwrap_err();
        assert_eq!(classify(&err), Failure::Transient, "{err:?}");
    }

    #[test]
    fn sqlite_unique_violation_is_a_duplicate() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute("CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);").unwrap();
        let err = conn.batch_execute("INSERT INTO t VALUES (1);").unwrap_err();
        assert_eq!(classify(&err), Failure::Duplicate, "{err:?}");
    }
}
