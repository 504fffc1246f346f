import Foundation
import PortalModel

extension DeploymentProfile {
    /// The one rule for the deployment-profile file a command is given: `upload --deploymentProfile NAME`
    /// (a profile of the site folder, pac's layout: `url(named:inSiteFolder:)`) and
    /// `plan`/`migrate`/`verify --deploymentProfile FILE` (a file path) both refuse a file that is not
    /// there before anything is read or written.
    /// - Parameters:
    ///   - given: the option's value, as the user typed it.
    ///   - siteFolder: the site folder when `given` is a profile name (`upload`); `nil` when it is a path.
    /// - Returns: the profile file's URL (`.yml`, or `.yaml` when only that exists, for a name).
    /// - Throws: `DeploymentProfileFileMissing` (exit 2, check `input`) naming the file expected.
    public static func file(_ given: String, inSiteFolder siteFolder: URL? = nil) throws -> URL {
        let url = siteFolder.map { Self.url(named: given, inSiteFolder: $0) } ?? URL(fileURLWithPath: given)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DeploymentProfileFileMissing(given: given, expected: url, byName: siteFolder != nil)
        }
        return url
    }
}

/// A `--deploymentProfile` that names no file: the profile `given` of a site folder (`byName`), or a path.
/// Exit code 2 (nothing read or written), like any bad input (`DiagnosticConvertible`'s default).
public struct DeploymentProfileFileMissing: DiagnosticConvertible, Equatable {
    /// The option's value as given.
    public var given: String
    /// The file looked for.
    public var expected: URL
    /// True when `given` is a profile name looked up in a site folder.
    public var byName: Bool

    public init(given: String, expected: URL, byName: Bool) {
        self.given = given
        self.expected = expected
        self.byName = byName
    }

    public var description: String {
        byName ? "no deployment profile \(given) (expected \(expected.path))" : "no deployment profile file at \(given)"
    }
}
