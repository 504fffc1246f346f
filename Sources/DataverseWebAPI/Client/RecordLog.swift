import Foundation
import PortalModel

/// The records of one table that `BodyVersionCache` keeps: one append-only file per table,
/// `records/<table>.log`, instead of a file per record (issue 20: creating a temporary file and renaming
/// it for each of the 5,534 records of the benchmark's M read-back, and opening one per record on a
/// re-read, was most of the quarter of an upload's CPU spent in the kernel).
///
/// A line per entry, fields separated by a tab:
/// - `R <id> <version key> <selection> <checksum> <item JSON>`: a record item as the environment
///   answered it, at a version key (`BodyVersionCache.versionKey`) and read with a selection;
///   `checksum` is `BodyVersionCache.bodyChecksum` of the JSON bytes;
/// - `F <id>`: the record is forgotten (this client is about to write or delete it).
/// The version key and selection never hold a tab or a line break (such an entry is not kept), and
/// compact JSON holds neither (both are escaped inside strings), so a line splits without ambiguity.
/// The last line about an id wins.
///
/// Never a stale or damaged record: an entry is used only when its id, version key and selection are
/// those asked and its JSON matches its checksum; a line cut short (a write interrupted), a line
/// damaged, or a file in any other form is skipped, so its record is read from the environment again.
///
/// The file is read once per process (an index of id → where the line is; items are read with
/// `pread` when asked), appended with one `write` per batch of entries (`O_APPEND`: two processes
/// appending at once do not interleave their lines), and rewritten with only the live entries when
/// most of its lines are dead. Entries another process appends after this one read the file are not
/// seen (their records are read from the environment again, never served stale: an entry is used
/// only at the version it was kept at). Files are opened with `O_NOFOLLOW` (a symbolic link in the
/// cache is refused) and mode 0600.
final class RecordLog: @unchecked Sendable {
    /// The log file's path.
    let path: String
    /// Guards everything below (one table's log; every call is short).
    private let lock = NSLock()
    private var state = State.unopened
    /// Where each live entry's line is: its offset and length (without the line break).
    private var index: [UUID: (offset: Int64, length: Int)] = [:]
    /// Lines in the file (live or not), to decide when to rewrite it.
    private var lineCount = 0
    /// The file does not end with a line break (a write was cut short): the next append starts one.
    private var needsLineBreak = false

    private enum State {
        case unopened
        /// No file yet (reads find nothing; the first append creates it).
        case absent
        case open(Int32)
        /// The file cannot be used (not a regular file, a link, an I/O error): nothing is kept.
        case unusable
    }

    /// The first bytes of a line that identify it: `R\t` or `F\t` and the 36-character id.
    static let headLength = 2 + 36

    /// Rewrite the file when it holds more than this many lines and most are dead.
    static let compactAfterLines = 4096

    init(path: String) {
        self.path = path
    }

    deinit {
        if case .open(let fd) = state { close(fd) }
    }

    // MARK: Use

    /// The item kept for `id` at `version` read with `selection`; `nil` when there is none usable.
    func item(_ id: UUID, version: String, selection: String) -> JSONValue? {
        let line: [UInt8]? = lock.withLock {
            guard case .open(let fd) = prepared(create: false), let at = index[id] else { return nil }
            return Self.read(fd, offset: at.offset, length: at.length)
        }
        guard let line else { return nil }
        return Self.entry(line, id: id, version: version, selection: selection)
    }

    /// Keeps `items` (record id, version key, the item as answered) read with `selection`, with one
    /// append. Entries whose version key or selection hold a tab or a line break are left out.
    func keep(_ items: [(id: UUID, version: String, item: JSONValue)], selection: String) {
        guard Self.isField(selection) else { return }
        var out: [UInt8] = []
        var spans: [(UUID, Int, Int)] = []
        for (id, version, item) in items where Self.isField(version) {
            let start = out.count
            let json = item.data
            out.append(contentsOf: "R\t".utf8)
            out.append(contentsOf: id.dataverseString.utf8)
            out.append(0x09)
            out.append(contentsOf: version.utf8)
            out.append(0x09)
            out.append(contentsOf: selection.utf8)
            out.append(0x09)
            out.append(contentsOf: BodyVersionCache.bodyChecksum(json).utf8)
            out.append(0x09)
            out.append(contentsOf: json)
            spans.append((id, start, out.count - start))
            out.append(0x0A)
        }
        guard !spans.isEmpty else { return }
        lock.withLock {
            guard let base = append(out, create: true) else { return }
            for (id, start, length) in spans { index[id] = (base + Int64(start), length) }
            lineCount += spans.count
        }
    }

    /// Forgets `ids` (before this client writes or deletes them): a forget line for each when the file
    /// exists, with one append.
    func forget(_ ids: [UUID]) {
        guard !ids.isEmpty else { return }
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * (Self.headLength + 1))
        for id in ids {
            out.append(contentsOf: "F\t".utf8)
            out.append(contentsOf: id.dataverseString.utf8)
            out.append(0x0A)
        }
        lock.withLock {
            guard case .open = prepared(create: false) else { return }
            for id in ids { index[id] = nil }
            if append(out, create: false) != nil { lineCount += ids.count }
        }
    }

    // MARK: File

    /// Opens and indexes the file on first use (`create`: make it when absent). Call with the lock held.
    private func prepared(create: Bool) -> State {
        switch state {
        case .open, .unusable: return state
        case .absent where !create: return state
        default: break
        }
        let dir = (path as NSString).deletingLastPathComponent
        if create { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0o600)
        if fd < 0 {
            state = errno == ENOENT ? .absent : .unusable
            return state
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            state = .unusable
            return state
        }
        state = .open(fd)
        load(fd)
        if lineCount > Self.compactAfterLines && lineCount > 2 * index.count { compact(fd) }
        return state
    }

    /// Builds the index from the file, streaming it in blocks (the file is never held whole).
    private func load(_ fd: Int32) {
        index = [:]
        lineCount = 0
        let blockSize = 1 << 20
        var block = [UInt8](repeating: 0, count: blockSize)
        var offset: Int64 = 0
        var lineStart: Int64 = 0
        var head: [UInt8] = []
        head.reserveCapacity(Self.headLength)
        while true {
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, blockSize, off_t(offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            block.withUnsafeBufferPointer { buffer in
                var p = 0
                while p < n {
                    let end = buffer[p..<n].firstIndex(of: 0x0A) ?? n
                    if head.count < Self.headLength { head.append(contentsOf: buffer[p..<min(end, p + Self.headLength - head.count)]) }
                    guard end < n else { break }
                    let lineEnd = offset + Int64(end)
                    note(head, offset: lineStart, length: Int(lineEnd - lineStart))
                    lineStart = lineEnd + 1
                    head.removeAll(keepingCapacity: true)
                    p = end + 1
                }
            }
            offset += Int64(n)
        }
        needsLineBreak = lineStart < offset
    }

    /// One line of the file while loading: an entry (`R`) points the id at it, a forget (`F`) drops it.
    private func note(_ head: [UInt8], offset: Int64, length: Int) {
        lineCount += 1
        guard head.count == Self.headLength, head[1] == 0x09,
            let id = UUID(dataverse: String(decoding: head[2...], as: UTF8.self))
        else { return }
        switch head[0] {
        case UInt8(ascii: "R"): index[id] = (offset, length)
        case UInt8(ascii: "F"): index[id] = nil
        default: break
        }
    }

    /// Appends `bytes` with one write (a line break first when the file's last line was cut short).
    /// - Returns: the offset `bytes` landed at, `nil` when nothing (or not all) was written.
    private func append(_ bytes: [UInt8], create: Bool) -> Int64? {
        guard case .open(let fd) = prepared(create: create) else { return nil }
        var data = bytes
        if needsLineBreak { data.insert(0x0A, at: 0) }
        let written = data.withUnsafeBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
        guard written else {
            needsLineBreak = true
            return nil
        }
        needsLineBreak = false
        // O_APPEND leaves this descriptor's position at the end of what it wrote, whatever other
        // processes appended; the lock keeps this process's appends apart.
        let end = lseek(fd, 0, SEEK_CUR)
        guard end >= Int64(bytes.count) else { return nil }
        return Int64(end) - Int64(bytes.count)
    }

    /// Rewrites the file with its live entries only (through `SafeFileWriter`), then reopens it.
    private func compact(_ fd: Int32) {
        var out = Data()
        var moved: [UUID: (offset: Int64, length: Int)] = [:]
        for (id, at) in index {
            guard let line = Self.read(fd, offset: at.offset, length: at.length) else { continue }
            moved[id] = (Int64(out.count), line.count)
            out.append(contentsOf: line)
            out.append(0x0A)
        }
        do { try SafeFileWriter.writeFile(out, to: URL(filePath: path), mode: 0o600) } catch { return }
        close(fd)
        let reopened = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard reopened >= 0 else {
            state = .unusable
            index = [:]
            return
        }
        state = .open(reopened)
        index = moved
        lineCount = moved.count
        needsLineBreak = false
    }

    /// `length` bytes at `offset`, `nil` when the file is shorter or cannot be read.
    static func read(_ fd: Int32, offset: Int64, length: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, length - done, off_t(offset + Int64(done))) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return out
    }

    /// The item of an `R` line when its id, version key and selection are those asked and its JSON
    /// matches its checksum.
    static func entry(_ line: [UInt8], id: UUID, version: String, selection: String) -> JSONValue? {
        var fields: [Range<Int>] = []
        var start = 0
        for (i, b) in line.enumerated() where b == 0x09 {
            fields.append(start..<i)
            start = i + 1
            if fields.count == 5 { break }
        }
        guard fields.count == 5 else { return nil }
        func equal(_ r: Range<Int>, _ text: String) -> Bool { line[r].elementsEqual(text.utf8) }
        guard equal(fields[0], "R"), equal(fields[1], id.dataverseString), equal(fields[2], version), equal(fields[3], selection)
        else { return nil }
        let json = Data(line[start...])
        guard equal(fields[4], BodyVersionCache.bodyChecksum(json)) else { return nil }
        return try? JSONValue.parse(json)
    }

    /// True when `text` can be a field of a line (no tab, no line break).
    static func isField(_ text: String) -> Bool {
        !text.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
    }
}
