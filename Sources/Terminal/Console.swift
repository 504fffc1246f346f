import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's standard output and error, shared by the command's own text and the live progress
/// line, so they never mix: before any text is written the live line is erased (carriage return and
/// "erase to end of line"), and the next redraw puts it back below the text.
///
/// Any text written pauses the live line until the next progress event: a prompt ("Delete 3 record(s)
/// in the target? [y/N] ") stays readable while it waits, and the report printed at the end of a run is
/// never followed by a redraw of the stage that just ended.
/// Thread-safe: every write holds one lock (writes are per line or per redraw, never per record).
public final class Console: @unchecked Sendable {
    /// The process's console.
    public static let shared = Console()

    /// Where text goes: `writeAll(fd, text)` for the process's descriptors; a test passes a closure that
    /// records what would be written, with the descriptor.
    private let output: @Sendable (Int32, String) -> Void

    /// - Parameter output: receives every piece of text with its descriptor (1 or 2), in order, under
    ///   the console's lock; the process's standard output and error by default.
    public init(output: @escaping @Sendable (Int32, String) -> Void = { Console.writeAll($0, $1) }) {
        self.output = output
    }

    private let lock = NSLock()
    private var liveShown = false
    private var paused = false

    /// Writes `text` to standard output (`fd` 1) or standard error (`fd` 2), after erasing the live line.
    public func write(_ text: String, fd: Int32) {
        lock.withLock {
            eraseLocked()
            output(fd, text)
            paused = true
        }
    }

    /// Draws `line` as the live line on standard error, replacing the one shown; nothing while paused.
    public func drawLive(_ line: String) {
        lock.withLock {
            guard !paused else { return }
            output(2, "\r" + line + "\u{1B}[K")
            liveShown = true
        }
    }

    /// Lets the live line be drawn again after text (called for every progress event).
    public func resume() {
        lock.withLock { paused = false }
    }

    /// Erases the live line, leaving the cursor at the start of an empty line.
    public func eraseLive() {
        lock.withLock { eraseLocked() }
    }

    private func eraseLocked() {
        guard liveShown else { return }
        output(2, "\r\u{1B}[K")
        liveShown = false
    }

    /// `write(2)` until every byte is written (or the descriptor fails: a closed pipe loses progress
    /// text, never the command's result).
    public static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Self.systemWrite(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }

    private static func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, p, n)
        #else
        Darwin.write(fd, p, n)
        #endif
    }

    /// Columns of the terminal on `fd`, or `COLUMNS`, or 80.
    public static func columns(_ fd: Int32 = 2) -> Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }
}
