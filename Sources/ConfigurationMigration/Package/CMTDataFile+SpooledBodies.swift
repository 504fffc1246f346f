import Foundation
import PortalModel

extension CMTDataFile {
    /// The bytes of base64 text read at once while decoding a spooled body (4 MiB).
    static let base64ChunkBytes = 4 << 20

    /// Decodes a body's base64 text, kept in a spool file while reading (`XMLNode.spooledAttribute`),
    /// into a new spool file piece by piece, and removes the text file: neither the text nor the
    /// bytes are ever held whole (issue 20).
    ///
    /// Characters outside the base64 alphabet (line breaks, spaces) are ignored, as the in-memory
    /// path does (`Data(base64Encoded:options: .ignoreUnknownCharacters)`).
    /// - Returns: the body as a spooled file; `nil` when the text holds no base64 character (an empty
    ///   value: no body).
    /// - Throws: `CMTError.invalidValue` when the text is not base64 (a character count that is not a
    ///   multiple of 4, or text after the `=` padding); `CMTError.writeFailed` when the text cannot be
    ///   read back or the body cannot be written.
    static func decodeSpooledBody(_ text: URL, field: String) throws -> FileBody? {
        defer { try? FileManager.default.removeItem(at: text) }
        let input: FileHandle
        do { input = try FileHandle(forReadingFrom: text) } catch {
            throw CMTError(.writeFailed, "the body kept on disk while reading cannot be read back (\(FileReadProblem.describe(error)))", field: field)
        }
        defer { try? input.close() }
        var pending: [UInt8] = [] // alphabet characters not decoded yet (fewer than 4 after each chunk)
        var padded = false // a group ended with '=': nothing may follow
        var total = 0
        let notBase64 = CMTError(.invalidValue, "the value is not base64", field: field)
        let body: FileBody
        do {
            body = try BodySpool.shared.keep { append in
                while true {
                    let chunk: Data
                    do { chunk = try input.read(upToCount: base64ChunkBytes) ?? Data() } catch {
                        throw CMTError(
                            .writeFailed, "the body kept on disk while reading cannot be read back (\(FileReadProblem.describe(error)))",
                            field: field)
                    }
                    let last = chunk.isEmpty
                    for b in chunk where isBase64Alphabet(b) {
                        if padded && b != UInt8(ascii: "=") { throw notBase64 }
                        if b == UInt8(ascii: "=") { padded = true }
                        pending.append(b)
                    }
                    let usable = last ? pending.count : pending.count / 4 * 4
                    if usable > 0 {
                        guard usable % 4 == 0, let bytes = Data(base64Encoded: Data(pending[0..<usable])) else { throw notBase64 }
                        try append(bytes)
                        total += usable
                        pending.removeFirst(usable)
                    }
                    if last { break }
                }
            }
        } catch let e as CMTError {
            throw e
        } catch {
            throw CMTError(.writeFailed, "the body cannot be kept on disk: \(CMTPackage.plainReason(error))", field: field)
        }
        if total == 0 {
            if case .file(let url) = body { try? FileManager.default.removeItem(at: url) }
            return nil
        }
        return body
    }

    /// True for the 65 characters of base64 (RFC 4648 §4): `A`–`Z`, `a`–`z`, `0`–`9`, `+`, `/`, `=`.
    static func isBase64Alphabet(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2F || b == 0x3D
    }
}
