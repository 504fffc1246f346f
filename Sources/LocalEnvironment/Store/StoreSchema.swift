import Foundation
import GRDB

/// The SQLite layout of an environment file (one file per environment).
///
/// - `meta(key, value)`: JSON documents: `tables` (the environment's `TableDefinition`s),
///   `organization` (`OrganizationInfo`), `identity` (`WhoAmIResult`), `behaviours` (enabled rule ids),
///   `format` (the layout version).
/// - `counters(name, value)`: `rowversion`, the last `versionnumber` handed out (never decreases).
/// - `records`: one row per Dataverse record: table logical name, lowercase GUID, typed columns as
///   JSON (`StoredValue`), `versionnumber`, `createdon`/`modifiedon` in 100 ns ticks since 0001-01-01 UTC.
/// - `refs`: one row per lookup value of a record, so cascades and lookup clearing find the records
///   pointing at a deleted one without scanning.
/// - `links`: N:N links by relationship schema name.
/// - `bodies`: annotation `documentbody` and file column bodies, raw bytes with file name and MIME type.
enum StoreSchema {
    /// The layout version written to `meta.format`.
    static let formatVersion = "1"

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                    INSERT INTO counters (name, value) VALUES ('rowversion', 1000);
                    CREATE TABLE records (
                        logicalname TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
                        versionnumber INTEGER NOT NULL, createdon INTEGER NOT NULL, modifiedon INTEGER NOT NULL,
                        PRIMARY KEY (logicalname, id)) WITHOUT ROWID;
                    CREATE INDEX records_version ON records(versionnumber);
                    CREATE TABLE refs (
                        logicalname TEXT NOT NULL, id TEXT NOT NULL, columnname TEXT NOT NULL,
                        targettable TEXT NOT NULL, targetid TEXT NOT NULL,
                        PRIMARY KEY (logicalname, id, columnname)) WITHOUT ROWID;
                    CREATE INDEX refs_target ON refs(targetid, targettable);
                    CREATE TABLE links (
                        relationship TEXT NOT NULL, firsttable TEXT NOT NULL, firstid TEXT NOT NULL,
                        secondtable TEXT NOT NULL, secondid TEXT NOT NULL,
                        PRIMARY KEY (relationship, firstid, secondid)) WITHOUT ROWID;
                    CREATE INDEX links_first ON links(firstid);
                    CREATE INDEX links_second ON links(secondid);
                    CREATE TABLE bodies (
                        logicalname TEXT NOT NULL, id TEXT NOT NULL, columnname TEXT NOT NULL,
                        filename TEXT, mimetype TEXT, data BLOB NOT NULL,
                        PRIMARY KEY (logicalname, id, columnname)) WITHOUT ROWID;
                    """)
        }
        // v2: key columns first in `links`. SQLite 3.40's integrity_check reports a false "NULL value in
        // links.firsttable" for WITHOUT ROWID tables whose key columns are declared after others.
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE links_v2 (
                        relationship TEXT NOT NULL, firstid TEXT NOT NULL, secondid TEXT NOT NULL,
                        firsttable TEXT NOT NULL, secondtable TEXT NOT NULL,
                        PRIMARY KEY (relationship, firstid, secondid)) WITHOUT ROWID;
                    INSERT INTO links_v2 (relationship, firstid, secondid, firsttable, secondtable)
                        SELECT relationship, firstid, secondid, firsttable, secondtable FROM links;
                    DROP TABLE links;
                    ALTER TABLE links_v2 RENAME TO links;
                    CREATE INDEX links_first ON links(firstid);
                    CREATE INDEX links_second ON links(secondid);
                    """)
        }
        return migrator
    }

    /// Reads a JSON document from `meta`. - Throws: decoding errors; `nil` when absent.
    static func meta<T: Decodable>(_ db: Database, _ key: String, as type: T.Type) throws -> T? {
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) else {
            return nil
        }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    /// Writes a JSON document to `meta`.
    static func setMeta<T: Encodable>(_ db: Database, _ key: String, _ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, text])
    }

    /// The next row version (increments the counter inside the caller's transaction).
    static func nextRowVersion(_ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: "UPDATE counters SET value = value + 1 WHERE name = 'rowversion'").execute()
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM counters WHERE name = 'rowversion'")) ?? 0
    }
}
