import CodeSite
import ConfigurationMigration
import Foundation
import Migration
import PortalFolder
import PortalModel

/// A file format a run reads a source from: the option that names its files, how a path is recognized
/// as one, and its adapter (the format module's `PortalSource`).
public struct SourceFormat: Sendable {
    /// The option naming a file source: `--path` (a folder) or `--data` (a CMT package).
    public enum Option: String, Sendable {
        case path = "--path"
        case data = "--data"
    }

    /// A short name: `cmt-package`, `code-site`, `pac-folder` (tests, messages).
    public let name: String
    public let option: Option
    /// True for a folder of files people edit (a pac folder, a code-site project): the rules run on
    /// folders only (`PortalRule.folderOnly`, a secret written in a file) apply to it.
    public let isFolder: Bool
    /// True when the file or folder at the URL is in this format. Formats are tried in the order of
    /// `SourceFactory.formats`; the last one of an option takes what the others do not recognize.
    public let recognizes: @Sendable (URL) -> Bool
    /// The adapter that reads the file or folder at the URL.
    public let reader: @Sendable (URL) -> any PortalSource

    public init(
        name: String, option: Option, isFolder: Bool, recognizes: @escaping @Sendable (URL) -> Bool,
        reader: @escaping @Sendable (URL) -> any PortalSource
    ) {
        self.name = name
        self.option = option
        self.isFolder = isFolder
        self.recognizes = recognizes
        self.reader = reader
    }
}

/// Which adapter reads a file or folder a user names (issue 19): the first format of `formats` that
/// takes the option and recognizes the path. Every command that reads a file source (`upload`, `plan`,
/// `migrate`, `verify`, `diff`, `check`, `data import`) and a library user reading one go through here.
///
/// **A new source format needs its module (a `PortalSource`) and one line in `formats`**, before the
/// catch-all of its option.
///
/// Example:
/// ```swift
/// if let file = SourceFactory.fileSource(data: nil, path: "./site/my-site") {
///     let source = try RunSource.read(file.source)   // a pac folder, or a code-site project
/// }
/// ```
public enum SourceFactory {
    /// Every file format a source is read from, in the order they are tried for their option.
    public static let formats: [SourceFormat] = [
        SourceFormat(name: "cmt-package", option: .data, isFolder: false, recognizes: { _ in true }, reader: { CMTPackageSource($0) }),
        SourceFormat(name: "code-site", option: .path, isFolder: true, recognizes: CodeSiteSource.isProject, reader: { CodeSiteSource($0) }),
        SourceFormat(name: "pac-folder", option: .path, isFolder: true, recognizes: { _ in true }, reader: { PacFolderSource($0) }),
    ]

    /// The format of the file or folder `path` given with `option`: the first of `formats` that
    /// recognizes it (`nil` only when no format takes the option).
    public static func format(_ option: SourceFormat.Option, at path: String) -> SourceFormat? {
        let url = URL(fileURLWithPath: path)
        return formats.first { $0.option == option && $0.recognizes(url) }
    }

    /// The file source the options name, with its format, if any (`--data` before `--path`); `nil`
    /// when neither is given (the source is then an environment).
    public static func fileSource(data: String?, path: String?) -> (format: SourceFormat, source: any PortalSource)? {
        for (option, given) in [(SourceFormat.Option.data, data), (.path, path)] {
            guard let given, let format = format(option, at: given) else { continue }
            return (format, format.reader(URL(fileURLWithPath: given)))
        }
        return nil
    }
}
