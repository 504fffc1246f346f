import Foundation
import PortalModel
import Testing
import TestSupport

/// A password in a URL (`http://user:pass@host`) was echoed in error messages (issue 17): URLs with
/// credentials are refused before anything is sent, and no output names the password.
@Suite struct URLCredentialTests {
    static let password = "Pa55-\(UUID().uuidString.prefix(8))"

    @Test func commandsNeverPrintAPasswordGivenInAURL() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.portalMigrateBinary.path), "build portal-migrate first")
        let home = try TestPaths.temporaryDirectory("pm-url-cred")
        defer { try? FileManager.default.removeItem(at: home) }
        let p = Self.password
        let site = "11111111-1111-4111-8111-111111111111"
        let runs: [[String]] =
            [
                ["list", "--environment", "http://user:\(p)@127.0.0.1:1"],
                ["list", "--environment", "https://user:\(p)@contoso.crm.dynamics.com/", "--json"],
                ["auth", "create", "--name", "x", "--url", "http://admin:\(p)@127.0.0.1:1", "--applicationId", "a", "--clientSecret", "b"],
                [
                    "download", "--environment", "https://u:\(p)@nohost.invalid", "--path", home.appendingPathComponent("dl").path, "--webSiteId",
                    site,
                ],
                ["org", "--environment", "http://:\(p)@localhost:2"],
                ["list", "--environment", "http://u:\(p)@[::1"],
                ["list", "--environment", "https://\(p)@contoso.crm.dynamics.com"],
            ]
            // A password holding a character that ends a URL in free text (space, quotes, <, #, /) was echoed
            // from the refusal of that URL (H1b review): the argument's user information is hidden whole.
            + [" ", "\"", "'", "<", "#", "/"].map { c in ["list", "--environment", "http://user:x\(c)\(p)@127.0.0.1:1", "--json"] }
            // Without a scheme the text is taken as an auth profile name, and the refusal named it whole.
            + [["list", "--environment", "user:x \(p)@contoso.crm.dynamics.com"], ["list", "--environment", "user:\(p)@host", "--json"]]
        for args in runs {
            let r = try await CLI.run(args, home: home, timeout: 120)
            #expect(r.exitCode != 0, "\(args)")
            #expect(!(r.stdout + r.stderr).contains(p), "\(args.joined(separator: " ")) printed the password: \(r.stdout)\(r.stderr)")
            #expect(!(r.stdout + r.stderr).isEmpty, "a message is printed")
        }
        // Nothing stored it either.
        let stored = FileManager.default.enumerator(at: home, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in stored where (try? Data(contentsOf: file)).map({ String(decoding: $0, as: UTF8.self).contains(p) }) == true {
            Issue.record("\(file.path) holds the password")
        }
    }

    @Test func redactionRemovesUserInformationOnly() {
        #expect(
            CredentialRedaction.redact("cannot connect to http://u:secret@127.0.0.1:1 (3 attempts)")
                == "cannot connect to http://***@127.0.0.1:1 (3 attempts)")
        #expect(CredentialRedaction.redact("'https://tok@host/a@b' and ftp://x:y@z") == "'https://***@host/a@b' and ftp://***@z")
        #expect(CredentialRedaction.redact("mail me at a@b.c, see https://host/x") == "mail me at a@b.c, see https://host/x")
        #expect(CredentialRedaction.hasCredentials(URL(string: "http://a:b@h")!))
        #expect(!CredentialRedaction.hasCredentials(URL(string: "http://h/a@b")!))
    }
}
