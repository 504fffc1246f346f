import Foundation

/// A problem with a code-site project that stops a command before anything is written (exit code 2
/// in the CLI), naming the file and what to do.
public enum CodeSiteError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `powerpages.config.json` is not what the schema describes.
    case badConfig(file: String, problem: String)
    /// The project has no `.powerpages-site/website.yml`.
    case noSiteFolder(root: String)
    /// No build output folder is known or it does not exist.
    case noBuildOutput(problem: String)
    /// A file of `.powerpages-site/` cannot be read as the format expects (file relative to the project).
    case badSiteFile(file: String, line: Int?, problem: String)
    /// The landing page references files the build output does not hold.
    case missingAssets(landingPage: String, missing: [String])
    /// The site to download is not in the environment, or is not of the enhanced data model.
    case notACodeSite(environment: String, websiteID: UUID, found: Bool)
    /// Source files that cannot be uploaded (a blocked extension, over the size limit), each named with what to do.
    case sourceFiles(problems: [String])

    public var description: String {
        switch self {
        case .badConfig(let file, let problem):
            return
                "\(file) \(problem); fix the file (fields: siteName, compiledPath, defaultLandingPage, bundleFilePatterns, includeSource, sourceExcludePatterns)"
        case .noSiteFolder(let root):
            return "\(root) has no .powerpages-site/website.yml: give --rootPath the project folder holding .powerpages-site/ "
                + "(download an existing site first with `portal-migrate code-site download --rootPath \(root) --webSiteId ID`)"
        case .noBuildOutput(let problem):
            return problem
        case .badSiteFile(let file, let line, let problem):
            return "\(file)\(line.map { ", line \($0)" } ?? ""): \(problem)"
        case .missingAssets(let page, let missing):
            return "the landing page \(page) references \(missing.count) file(s) the build output does not hold: "
                + missing.joined(separator: ", ") + "; nothing was written (rebuild, or fix the references)"
        case .notACodeSite(let environment, let id, let found):
            return found
                ? "\(environment) website \(id.dataverseString) is not a site of the enhanced data model; a code site always is "
                    + "(use `portal-migrate download` for a standard site)"
                : "website \(id.dataverseString) was not found in \(environment); `portal-migrate list --environment \(environment)` shows its websites"
        case .sourceFiles(let problems):
            return "\(problems.count) source file(s) cannot be uploaded; nothing was written:\n  " + problems.joined(separator: "\n  ")
        }
    }
}
