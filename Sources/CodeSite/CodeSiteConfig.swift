import Foundation

/// `powerpages.config.json`: the settings of a code site (single-page-application site) project,
/// read by `code-site upload` (research/code-sites-and-admin-api.md §A.1.2).
///
/// Every field is optional in Microsoft's JSON schema (draft-07, `additionalProperties: true`);
/// unknown fields are ignored, as VS Code's reader does. Command-line values win over the file's
/// ([V-docs] create-code-sites.md, "Precedence").
public struct CodeSiteConfig: Sendable, Equatable {
    /// The site's display name (`powerpagesite.name`).
    public var siteName: String?
    /// The build output folder, relative to the folder holding the config file.
    public var compiledPath: String?
    /// The HTML file served at the site root, relative to `compiledPath`.
    /// Assumption: `index.html` when absent (the research marks the default undocumented, [I]).
    public var defaultLandingPage: String?
    /// Wildcard patterns naming the web files that are bundles of a build (deleted when a new build
    /// no longer has them); `nil` means pac's ten defaults (`BundlePatterns.defaults`).
    public var bundleFilePatterns: [String]?
    /// Also upload the project's source files (to `powerpagessourcefile`, §A.1.5). Default false.
    public var includeSource: Bool
    /// Extra exclusions for the source upload (globs; only meaningful with `includeSource`).
    public var sourceExcludePatterns: [String]
    /// `framework.name` of the newer schema (`react`, `angular`, `vue`, `astro`), when given.
    public var framework: String?

    public init(
        siteName: String? = nil, compiledPath: String? = nil, defaultLandingPage: String? = nil,
        bundleFilePatterns: [String]? = nil, includeSource: Bool = false, sourceExcludePatterns: [String] = [],
        framework: String? = nil
    ) {
        self.siteName = siteName
        self.compiledPath = compiledPath
        self.defaultLandingPage = defaultLandingPage
        self.bundleFilePatterns = bundleFilePatterns
        self.includeSource = includeSource
        self.sourceExcludePatterns = sourceExcludePatterns
        self.framework = framework
    }

    /// The config file's name.
    public static let fileName = "powerpages.config.json"

    /// The landing page, `defaultLandingPage` or `index.html`.
    public var landingPage: String { defaultLandingPage?.isEmpty == false ? defaultLandingPage! : "index.html" }

    /// Reads `root/powerpages.config.json`; a project without one gives an empty config.
    /// - Throws: `CodeSiteError.badConfig` naming the file and what is wrong (not JSON, a field of the
    ///   wrong type) — unlike VS Code, which silently treats bad JSON as no config, since uploading
    ///   without the user's patterns could delete or keep the wrong bundles.
    public static func read(projectRoot root: URL) throws -> CodeSiteConfig {
        let url = root.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return CodeSiteConfig() }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CodeSiteError.badConfig(file: url.path, problem: "cannot be read (\(error.localizedDescription))")
        }
        return try parse(data, file: url.path)
    }

    /// Parses the bytes of a config file; `file` names it in errors.
    /// - Throws: `CodeSiteError.badConfig`.
    public static func parse(_ data: Data, file: String) throws -> CodeSiteConfig {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw CodeSiteError.badConfig(file: file, problem: "is not JSON: \(detail)")
        }
        guard let map = object as? [String: Any] else {
            throw CodeSiteError.badConfig(file: file, problem: "must hold a JSON object ({ \"siteName\": …, \"compiledPath\": … })")
        }
        func string(_ key: String) throws -> String? {
            guard let v = map[key], !(v is NSNull) else { return nil }
            guard let s = v as? String else { throw CodeSiteError.badConfig(file: file, problem: "\"\(key)\" must be a string") }
            return s
        }
        func strings(_ key: String) throws -> [String]? {
            guard let v = map[key], !(v is NSNull) else { return nil }
            guard let list = v as? [Any], list.allSatisfy({ $0 is String }) else {
                throw CodeSiteError.badConfig(file: file, problem: "\"\(key)\" must be a list of strings")
            }
            return list.compactMap { $0 as? String }
        }
        var config = CodeSiteConfig()
        config.siteName = try string("siteName")
        config.compiledPath = try string("compiledPath")
        config.defaultLandingPage = try string("defaultLandingPage")
        config.bundleFilePatterns = try strings("bundleFilePatterns")
        config.sourceExcludePatterns = try strings("sourceExcludePatterns") ?? []
        if let v = map["includeSource"], !(v is NSNull) {
            guard let b = v as? Bool, !(v is String) else {
                throw CodeSiteError.badConfig(file: file, problem: "\"includeSource\" must be true or false")
            }
            config.includeSource = b
        }
        if let fw = map["framework"] as? [String: Any] { config.framework = fw["name"] as? String }
        return config
    }
}
