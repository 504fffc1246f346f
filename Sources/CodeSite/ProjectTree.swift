import Foundation

/// The one way CodeSite walks a folder the user named (the build output, `.powerpages-site/`, the
/// project's source files) and the one test for a symbolic link: nothing outside that folder is read
/// through a link, and every reader answers a link with the same policy it declares.
///
/// Paths are relative to the walked root, with `/` between components. The walk is iterative (a
/// deep tree cannot exhaust the stack) and its result is sorted.
enum ProjectTree {
    /// What a walk does with a symbolic link it meets.
    enum LinkPolicy {
        /// Leave it out (a source file the project links in is not uploaded).
        case skip
        /// Stop the walk: the closure gets the link's relative path and returns the error to throw.
        case refuse((String) -> any Error)
    }

    /// True when `url` itself (not what it points to) is a symbolic link; false when it is absent.
    static func isSymbolicLink(_ url: URL) -> Bool {
        var st = stat()
        return lstat(url.path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    /// The regular files under `root` (relative paths, sorted).
    /// - Parameters:
    ///   - start: the relative folder to start from (`""`: `root` itself).
    ///   - links: what to do with a symbolic link (file or folder).
    ///   - descend: whether to enter the relative folder (default: every folder).
    ///   - include: whether to keep the relative file (default: every file).
    ///   - skipUnlistable: false rethrows the error of a folder that cannot be listed; true leaves it out.
    /// - Throws: the error of `links` for a refused link; the file system's error for a folder that
    ///   cannot be listed, unless `skipUnlistable`.
    static func files(
        under root: URL, from start: String = "", links: LinkPolicy, skipUnlistable: Bool = false,
        descend: (String) -> Bool = { _ in true }, include: (String) -> Bool = { _ in true }
    ) throws -> [String] {
        var out: [String] = [], pending = [start]
        let fm = FileManager.default
        while let dir = pending.popLast() {
            let url = dir.isEmpty ? root : root.appendingPathComponent(dir)
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: url.path) } catch {
                if skipUnlistable { continue }
                throw error
            }
            for name in names {
                let rel = dir.isEmpty ? name : dir + "/" + name
                let child = root.appendingPathComponent(rel)
                if isSymbolicLink(child) {
                    switch links {
                    case .skip: continue
                    case .refuse(let error): throw error(rel)
                    }
                }
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: child.path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    if descend(rel) { pending.append(rel) }
                } else if include(rel) {
                    out.append(rel)
                }
            }
        }
        return out.sorted()
    }
}
