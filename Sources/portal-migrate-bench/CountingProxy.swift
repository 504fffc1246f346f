import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on 127.0.0.1 in front of a server on 127.0.0.1, counting the bytes in each direction
/// into a `TrafficCounter`. One thread pair per connection; `TCP_NODELAY` on both sides so the relay
/// adds no Nagle delay to small requests.
final class CountingProxy: @unchecked Sendable {
    /// The port the proxy listens on.
    let port: Int
    private let listenFD: Int32
    private let targetPort: Int
    private let counter: TrafficCounter

    /// Listens on a free port of 127.0.0.1 and starts accepting.
    /// - Throws: `BenchError` when the socket cannot be bound.
    init(targetPort: Int, counter: TrafficCounter) throws {
        self.targetPort = targetPort
        self.counter = counter
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError(description: "socket() failed") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 256) == 0 else {
            close(fd)
            throw BenchError(description: "cannot listen on 127.0.0.1")
        }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        listenFD = fd
        port = Int(UInt16(bigEndian: actual.sin_port))
        let t = Thread { [self] in acceptLoop() }
        t.stackSize = 256 * 1024
        t.start()
    }

    /// Stops accepting; open connections end when their peers close them.
    func stop() {
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    static func loopback(port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        return a
    }

    private func acceptLoop() {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard server >= 0, connected == 0 else {
                close(client)
                if server >= 0 { close(server) }
                continue
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(server, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let pair = ConnectionPair(client: client, server: server)
            let counter = self.counter
            for upstream in [true, false] {
                let t = Thread {
                    if upstream {
                        Self.pump(from: client, to: server) { counter.addSent($0) }
                    } else {
                        Self.pump(from: server, to: client) { counter.addReceived($0) }
                    }
                    pair.finishOne()
                }
                t.stackSize = 256 * 1024
                t.start()
            }
        }
    }

    /// Copies bytes until end of stream or an error, then half-closes the destination.
    private static func pump(from src: Int32, to dst: Int32, count: (Int) -> Void) {
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        outer: while true {
            let n = recv(src, buffer, size, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count(n)
            var off = 0
            while off < n {
                let w = send(dst, buffer + off, n - off, Int32(MSG_NOSIGNAL))
                if w < 0 && errno == EINTR { continue }
                if w <= 0 { break outer }
                off += w
            }
        }
        shutdown(dst, Int32(SHUT_WR))
    }
}

/// Closes both sockets of a relayed connection once both directions finished.
final class ConnectionPair: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = 0
    let client: Int32, server: Int32

    init(client: Int32, server: Int32) { self.client = client; self.server = server }

    func finishOne() {
        lock.lock()
        finished += 1
        let done = finished == 2
        lock.unlock()
        if done {
            close(client)
            close(server)
        }
    }
}
