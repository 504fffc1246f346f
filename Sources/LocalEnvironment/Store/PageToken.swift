import Foundation
import PortalModel

/// The opaque `nextPage` token of `LocalEnvironment.retrieve`: base64 of `k:<last id>:<returned>` for
/// id-ordered reads (keyset paging, stable under concurrent inserts) or `o:<offset>:<returned>` for
/// reads with `orderBy`. `returned` counts records handed out so far, for `top`.
struct PageToken: Equatable {
    enum Position: Equatable {
        case after(String)
        case offset(Int)
    }
    var position: Position
    var returned: Int

    var text: String {
        let raw: String
        switch position {
        case .after(let id): raw = "k:\(id):\(returned)"
        case .offset(let o): raw = "o:\(o):\(returned)"
        }
        return Data(raw.utf8).base64EncodedString()
    }

    /// Parses a token. - Throws: `DataverseError` (`pm:paging`, HTTP 400) for a token this store did not make.
    init(text: String, table: String) throws {
        let bad = DataverseError(httpStatus: 400, code: "pm:paging", message: "invalid page token '\(text)'", logicalName: table)
        guard let data = Data(base64Encoded: text) else { throw bad }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let returned = Int(parts[2]), returned >= 0 else { throw bad }
        switch parts[0] {
        case "k":
            guard UUID(dataverse: String(parts[1])) != nil else { throw bad }
            position = .after(String(parts[1]))
        case "o":
            guard let o = Int(parts[1]), o >= 0 else { throw bad }
            position = .offset(o)
        default: throw bad
        }
        self.returned = returned
    }

    init(position: Position, returned: Int) {
        self.position = position
        self.returned = returned
    }
}
