import DataverseWebAPI
import Foundation
import PortalModel
import Testing

/// One rule hides the user information of an argument a refusal echoes (`CredentialRedaction.redactArgument`),
/// whether the argument was read as a URL (`EnvironmentURLInput.Invalid`) or, typed without a scheme, as
/// an auth profile name (`AuthProfileStore.StoreError.noSuchProfile`).
@Suite struct ArgumentRedactionTests {
    /// Passwords holding characters that end a URL in free text, both forms, and what is left alone.
    @Test func theArgumentsUserInformationIsHiddenWhole() {
        let cases: [(String, String)] = [
            ("http://user:pa ss@127.0.0.1:1", "http://***@127.0.0.1:1"),
            ("http://user:x\"y@host", "http://***@host"),
            ("https://u:a/b#c<d'e@host/path", "https://***@host/path"),
            ("https://u:SEC@RET@host", "https://***@host"),
            ("https://token@contoso.crm.dynamics.com", "https://***@contoso.crm.dynamics.com"),
            ("user:pa ss@contoso.crm.dynamics.com", "***@contoso.crm.dynamics.com"),
            ("user:secret@host", "***@host"),
            ("dev", "dev"),
            ("team@contoso", "team@contoso"),
            ("https://contoso.crm.dynamics.com", "https://contoso.crm.dynamics.com"),
            ("", ""),
        ]
        for (argument, shown) in cases {
            #expect(CredentialRedaction.redactArgument(argument) == shown, "\(argument)")
        }
    }

    /// Both refusals show the argument through the one rule, never the password.
    @Test func bothRefusalsUseTheOneRule() {
        for argument in ["http://u:p w@127.0.0.1:1", "user:p'w@host", "https://u:p#w@host"] {
            let url = EnvironmentURLInput.Invalid(value: argument, reason: "no")
            #expect(url.value == CredentialRedaction.redactArgument(argument))
            let profile = AuthProfileStore.StoreError.noSuchProfile(argument).description
            #expect(profile == "no auth profile '\(CredentialRedaction.redactArgument(argument))' (see `portal-migrate auth list`)")
            #expect(!url.description.contains("w@") && !profile.contains("w@"), "\(url.description) / \(profile)")
        }
    }
}
