import Foundation
import PortalModel

/// `--progress json`: one JSON object per event on standard error, one line each, with the seconds
/// since the run started:
///
/// ```
/// {"event":"stage","stage":"writing","elapsed":0.412}
/// {"event":"written","done":120,"total":480,"failed":0,"bytes":81920,"totalBytes":163840,"elapsed":0.655}
/// {"event":"retrying","status":429,"throttled":true,"attempt":1,"maxRetries":7,"waitSeconds":2,"elapsed":0.7}
/// {"event":"finished","elapsed":1.918}
/// ```
///
/// Field names and stage names (`ProgressStage.rawValue`) are part of the command-line interface.
enum ProgressJSON {
    /// The event's object, `elapsed` seconds after the start (milliseconds precision).
    static func object(_ event: ProgressEvent, elapsed: Double) -> JSONValue {
        var fields: [(String, JSONValue)]
        func int(_ n: Int) -> JSONValue { .number(String(n)) }
        switch event {
        case .stage(let s):
            fields = [("event", .string("stage")), ("stage", .string(s.rawValue))]
        case let .tablesRead(done, total, records, table):
            fields = [("event", .string("tablesRead")), ("tablesDone", int(done)), ("tablesTotal", int(total)), ("records", int(records))]
            if let table { fields.append(("table", .string(table))) }
        case let .filesRead(done, total):
            fields = [("event", .string("filesRead")), ("done", int(done)), ("total", int(total))]
        case let .fileBodiesRead(done, total, bytes):
            fields = [("event", .string("fileBodiesRead")), ("done", int(done)), ("total", int(total)), ("bytes", int(bytes))]
        case .planReady(let p):
            fields = [
                ("event", .string("planReady")), ("create", int(p.create)), ("update", int(p.update)),
                ("delete", int(p.delete)), ("unchanged", int(p.unchanged)), ("links", int(p.links)),
            ]
        case let .written(done, total, failed, bytes, totalBytes):
            fields = [
                ("event", .string("written")), ("done", int(done)), ("total", int(total)), ("failed", int(failed)),
                ("bytes", int(bytes)), ("totalBytes", int(totalBytes)),
            ]
        case .retrying(let n):
            fields = [
                ("event", .string("retrying")), ("status", n.status.map(int) ?? .null), ("throttled", .bool(n.throttled)),
                ("attempt", int(n.attempt)), ("maxRetries", int(n.maxRetries)), ("waitSeconds", number(n.waitSeconds)),
            ]
            if let e = n.environment { fields.append(("environment", .string(CredentialRedaction.redact(e)))) }
        case .finished:
            fields = [("event", .string("finished"))]
        }
        fields.append(("elapsed", number(elapsed)))
        return .object(fields)
    }

    /// A number with at most three decimals, as JSON text.
    static func number(_ x: Double) -> JSONValue {
        let rounded = (x * 1000).rounded() / 1000
        return .number(rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded))
    }
}
