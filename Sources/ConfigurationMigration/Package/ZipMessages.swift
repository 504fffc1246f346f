import Foundation
import ZIPFoundation

/// Plain words for ZIPFoundation's errors (their default descriptions are enum case names).
enum ZipMessages {
    /// A short description of a zip error for a message that already names the zip and the entry.
    static func describe(_ error: Error) -> String {
        switch error {
        case Archive.ArchiveError.invalidCRC32: return "its CRC-32 does not match"
        case Archive.ArchiveError.invalidCompressionMethod: return "it uses a compression method other than deflate or none"
        case Archive.ArchiveError.invalidLocalHeaderDataOffset, Archive.ArchiveError.invalidLocalHeaderSize:
            return "its local header is damaged"
        case Archive.ArchiveError.unreadableArchive: return "the zip cannot be read"
        case Archive.ArchiveError.invalidEntrySize: return "its sizes are damaged"
        default:
            // zlib's errors (an internal type of ZIPFoundation) and file-system errors (in plain words, not
            // NSCocoaErrorDomain/NSPOSIXErrorDomain codes).
            let domain = (error as NSError).domain
            if domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain { return CMTPackage.plainReason(error) }
            return String(describing: error).contains("corruptedData") ? "its compressed bytes are damaged" : "\(error)"
        }
    }
}
